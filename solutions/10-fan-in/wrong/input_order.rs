//! Wrong: drops the channel and awaits the tasks' JoinHandles in the order of the ids, so the values come back in id order instead of the order they arrived.
//! Caught by: gather_returns_the_values_in_the_order_they_arrived

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

/// Aborts every task when dropped.
struct Tasks(Vec<tokio::task::JoinHandle<Option<u32>>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    // "No channel, no sender to forget": every task returns its value.
    let _unused = mpsc::channel::<u32>(1);
    let mut tasks = Tasks(Vec::new());
    for id in ids {
        let fetch = fetch.clone();
        tasks.0.push(tokio::spawn(async move { fetch(id).await }));
    }
    let mut values = Vec::new();
    // The mistake: handles are awaited in the order they were spawned, so
    // a fast fetch waits behind a slow one.
    for task in tasks.0.iter_mut() {
        if let Ok(Some(value)) = task.await {
            values.push(value);
        }
    }
    values
}
