//! Kata 19: stop workers with a `CancellationToken`.
//!
//! `supervise` runs `n` workers until a `CancellationToken` is cancelled.
//! Cancelling must not kill them: each worker notices the cancellation
//! itself, abandons the item in progress, flushes (100ms), and returns its
//! `Exit`. `supervise` waits, with a `TaskTracker`, until the last worker has
//! finished its flush, and returns every worker's `Exit`.
//!
//! `process_item`, `flush`, `item_time`, `FLUSH_TIME` and `Exit` are given:
//! do not change them, the tests time them. Write `supervise` (and a worker
//! function if you like). Read README.md first.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long a worker's flush takes once it has been asked to stop.
pub const FLUSH_TIME: Duration = Duration::from_millis(100);

/// How one worker ended: which worker, and how many items it completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub worker: usize,
    pub items: u32,
}

/// How long one item takes for worker `worker`: 50ms × (worker + 1).
pub fn item_time(worker: usize) -> Duration {
    Duration::from_millis(50 * (worker as u64 + 1))
}

/// Processes one item of work for `worker`. Given: do not change it.
pub async fn process_item(worker: usize) {
    tokio::time::sleep(item_time(worker)).await;
}

/// Writes out what `worker` has buffered; a worker must call it once when
/// it stops. Given: do not change it.
pub async fn flush(worker: usize) {
    let _ = worker;
    tokio::time::sleep(FLUSH_TIME).await;
}

/// Runs workers `0..n` until `token` is cancelled, waits until every one of
/// them has flushed and finished, and returns their exits in worker order.
///
/// - Worker `w` loops on `process_item(w)` until the token is cancelled; the
///   item in progress then is abandoned (not counted). Then it calls
///   `flush(w)` and returns `Exit { worker: w, items }`.
/// - Spawn the workers on a `TaskTracker`, and wait for them with it.
/// - Never abort a worker and never cancel the caller's token here.
/// - If the caller drops `supervise`'s future before it returns, the workers
///   must not run on forever: they stop and flush as if the token had been
///   cancelled (README.md, "When the caller gives up").
pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    // Each worker: `tokio::select!` between `token.cancelled()` and
    // `process_item(w)` in a loop, then `flush(w)`. Here: spawn them on a
    // `TaskTracker`, then `close()` it and `wait()` for it.
    let _ = (n, token, TaskTracker::new());
    todo!("spawn n workers on a TaskTracker, then wait until every one has flushed")
}
