//! Wrong: the tasks use try_send so that they never wait; a value that finds the channel's buffer full is dropped, so a burst of values arriving together is lost.
//! Caught by: a_burst_of_values_at_the_same_instant_all_arrive

use std::sync::Arc;
use tokio::task::JoinSet;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(16);
    let mut tasks = JoinSet::new();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        tasks.spawn(async move {
            if let Some(value) = fetch(id).await {
                // The mistake: Full is not an error to ignore here.
                let _ = tx.try_send(value);
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
