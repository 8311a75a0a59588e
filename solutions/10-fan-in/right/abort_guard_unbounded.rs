//! Right: an unbounded channel, plain JoinHandles kept in a guard struct that aborts them in its Drop, and a manual `loop { match rx.recv().await { .. } }`.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

/// Aborts every task it holds when it goes out of scope, which also
/// happens when gather's future is dropped by its caller.
struct AbortOnDrop(Vec<JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (sender, mut receiver) = mpsc::unbounded_channel::<u32>();
    let mut guard = AbortOnDrop(Vec::with_capacity(ids.len()));

    for id in ids {
        let sender = sender.clone();
        let fetch = Arc::clone(&fetch);
        guard.0.push(tokio::spawn(async move {
            match fetch(id).await {
                Some(value) => {
                    let _ = sender.send(value);
                }
                None => {}
            }
        }));
    }
    // Only the tasks may keep the channel open.
    drop(sender);

    let mut values = vec![];
    loop {
        match receiver.recv().await {
            Some(value) => values.push(value),
            None => break,
        }
    }
    values
}
