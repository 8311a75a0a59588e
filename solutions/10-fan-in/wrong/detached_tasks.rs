//! Wrong: fixes the hang (drops its own Sender before receiving) but starts the fetches with a bare tokio::spawn, so when the caller drops gather's future (a timeout), the fetches keep running, detached.
//! Caught by: dropping_gather_cancels_the_fetches_still_running

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        // The mistake: dropping a JoinHandle does not stop its task.
        tokio::spawn(async move {
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
