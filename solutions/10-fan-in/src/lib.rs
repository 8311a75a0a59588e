//! # Kata 10: fan in over a channel (reference solution)
//!
//! Many tasks, one channel: each task holds a clone of the `Sender`, and
//! the receiver reads until `recv()` returns `None`. That `None` is the
//! completion signal, and it only comes once *every* `Sender` is gone,
//! including the one `gather` made the channel with.
//!
//! The tasks live in a `JoinSet` owned by `gather`: if the caller gives up
//! on `gather` (a timeout drops its future), the set is dropped with it and
//! every fetch still running is aborted. A task started with a bare
//! `tokio::spawn` would keep running, detached, with nobody to read its
//! value.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

/// Fetches every id concurrently and returns the values that were found,
/// in the order they arrived. Returns once every fetch has finished.
pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    // Bounded: a burst of fast fetches waits for `gather` to catch up
    // instead of piling up in memory (kata 11 is about that).
    let (tx, mut rx) = mpsc::channel(8);

    // Owns every task: dropping the set (when gather returns, or when its
    // future is dropped half-way) aborts whatever is still running.
    let mut tasks = JoinSet::new();
    for id in ids {
        // One Sender per task. The task owns it, so it is dropped when the
        // task ends, whether it sent a value, found nothing, panicked or
        // was aborted.
        let tx = tx.clone();
        let fetch = fetch.clone();
        tasks.spawn(async move {
            if let Some(value) = fetch(id).await {
                // `send` waits for room (the buffer holds 8); it only fails
                // if the receiver is gone, and then nobody wants the value.
                let _ = tx.send(value).await;
            }
        });
    }

    // The original Sender must go too, or the channel can never close and
    // the loop below never ends. From here on, the only Senders are the
    // tasks', so `None` means exactly "every task has finished".
    drop(tx);

    // Read until closed, not a fixed count: ids that are not found send
    // nothing, so nobody knows how many values will come. Each task sends
    // before it ends, so every value is in the channel before `None`.
    let mut values = Vec::new();
    while let Some(value) = rx.recv().await {
        values.push(value);
    }
    // Every task has dropped its Sender, its last act: none is left
    // running, and dropping `tasks` here only forgets their results (a
    // panic included: a fetch that panicked sent nothing, like a `None`).
    values
}
