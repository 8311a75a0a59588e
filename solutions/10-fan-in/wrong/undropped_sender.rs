//! Wrong: drops gather's own Sender only after the receive loop, which is too late: while gather waits in the loop its Sender is alive, recv() never returns None, and gather hangs.
//! Caught by: gather_returns_the_values_in_the_order_they_arrived

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
        tokio::spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value).await;
            }
        });
    }
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    // The mistake: the loop above only ends once this Sender is gone.
    drop(tx);
    values
}
