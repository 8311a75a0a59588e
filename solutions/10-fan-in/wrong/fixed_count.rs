//! Wrong: keeps its own Sender and reads exactly ids.len() values instead of reading until the channel closes, so when an id is not found (and sends nothing) it waits forever for a value that never comes.
//! Caught by: ids_that_are_not_found_are_left_out

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);
    let expected = ids.len();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        tokio::spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value).await;
            }
        });
    }
    // The mistake: "one value per id" is not true, and `tx` keeps the
    // channel open, so the missing values are waited for forever.
    let mut values = Vec::new();
    for _ in 0..expected {
        if let Some(value) = rx.recv().await {
            values.push(value);
        }
    }
    values
}
