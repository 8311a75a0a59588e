//! Wrong: reads the channel with try_recv() and yield_now() when it is empty ("no await on recv, so it can never hang"): it never waits, so it keeps its thread busy, and on tokio's paused clock time cannot move on while it spins.
//! Caught by: gather_returns_the_values_in_the_order_they_arrived

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio::task::JoinSet;

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
    loop {
        match rx.try_recv() {
            Ok(value) => values.push(value),
            // The mistake: asking again and again instead of waiting.
            Err(TryRecvError::Empty) => tokio::task::yield_now().await,
            Err(TryRecvError::Disconnected) => break,
        }
    }
    values
}
