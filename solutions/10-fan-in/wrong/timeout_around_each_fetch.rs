//! Wrong: each task gives up on its fetch after 10 minutes ("in case it hangs"), so the value of a fetch slower than that is silently lost.
//! Caught by: gather_sleeps_while_the_fetches_are_pending

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;
pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        set.spawn(async move {
            // MISTAKE: a fetch that takes longer than 10 minutes is given up
            // "in case it hangs": its value is lost.
            let found = tokio::time::timeout(std::time::Duration::from_secs(600), fetch(id)).await;
            if let Ok(Some(value)) = found {
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
