//! Wrong: sizes the channel's buffer to the number of ids so that no task ever waits, but mpsc::channel(0) panics, so gather panics when it is given no ids.
//! Caught by: an_empty_list_gathers_nothing_at_once

use std::sync::Arc;
use tokio::task::JoinSet;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    // The mistake: "room for every value" is room for none when there are no ids.
    let (tx, mut rx) = mpsc::channel(ids.len());
    let mut tasks = JoinSet::new();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        tasks.spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value).await;
            }
        });
    }
    drop(tx);
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    values
}
