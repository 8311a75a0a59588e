//! Wrong: spawns each fetch and awaits its JoinHandle before spawning the next, so the fetches run one after another: gather takes the sum of the fetch times, not the slowest.
//! Caught by: gather_returns_the_moment_the_last_fetch_is_done

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        // The mistake: waiting for this task before starting the next one.
        let _ = tokio::spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value);
            }
        })
        .await;
    }
    drop(tx);
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    values
}
