//! # Kata 10: fan in over a channel
//!
//! `gather` fetches every id at the same time, one task per id, and
//! collects the values over an mpsc channel as they arrive: many senders,
//! one receiver, a *fan-in*. Ids that are not found send nothing.
//!
//! It compiles, it fetches everything, and then it never returns: the
//! receive loop waits for `recv()` to return `None`, which only happens
//! once every `Sender` is gone, and one of them never goes. And when its
//! caller gives up on it (drops its future, as a timeout does), the fetch
//! tasks it started keep running, with nobody left to read their values.
//!
//! Fix `gather`. Keep its signature and the `Fetcher` type: the tests use
//! them. README.md explains the pattern.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

/// Fetches every id concurrently and returns the values that were found,
/// in the order they arrived. Returns once every fetch has finished.
pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(8);

    for id in ids {
        // Every task gets its own clone of the sender, and drops it when
        // it finishes.
        let tx = tx.clone();
        let fetch = fetch.clone();
        // BUG: nobody keeps this task. If gather's future is dropped, the
        // JoinHandle is dropped with it, which detaches the task: it runs on.
        tokio::spawn(async move {
            if let Some(value) = fetch(id).await {
                // Only fails if the receiver is gone: nobody wants the value.
                let _ = tx.send(value).await;
            }
        });
    }

    // Collect until the channel is closed. BUG: `recv()` only returns `None`
    // once every Sender is dropped, and `tx` above is still alive.
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    values
}
