//! Wrong: drops its Sender but decides it is done when no value has arrived for 100ms, so it returns too early (and loses the values) whenever fetches are more than 100ms apart.
//! Caught by: gather_returns_the_values_in_the_order_they_arrived, gather_returns_the_moment_the_last_fetch_is_done

use std::time::Duration;

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
    // The mistake: silence is not the end; only a closed channel is.
    while let Ok(Some(value)) = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await {
        values.push(value);
    }
    values
}
