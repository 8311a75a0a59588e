//! Wrong: collects the right values but sorts them before returning ("tidier"), so they are no longer in the order they arrived.
//! Caught by: gather_returns_the_values_in_the_order_they_arrived

use std::sync::Arc;
use tokio::task::JoinSet;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);
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
    // The mistake: the order they arrived in is part of the answer.
    values.sort_unstable();
    values
}
