//! Wrong: awaits every task's JoinHandle before receiving anything; with a bounded channel, a task whose value does not fit in the buffer waits for the receiver, which waits for that task: a deadlock.
//! Caught by: a_burst_of_values_at_the_same_instant_all_arrive

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(1);
    let mut handles = Vec::new();
    for id in ids {
        let tx = tx.clone();
        let fetch = fetch.clone();
        handles.push(tokio::spawn(async move {
            if let Some(value) = fetch(id).await {
                let _ = tx.send(value).await;
            }
        }));
    }
    drop(tx);
    // The mistake: nobody receives while we wait, so the second value to
    // arrive finds the buffer full and its task never finishes.
    for handle in handles {
        handle.await.expect("a fetch task panicked");
    }
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    values
}
