//! Kata 19: stop workers with a `CancellationToken` (reference solution).
//!
//! Cooperative cancellation: the token only *asks*. Each worker races its
//! work against `token.cancelled()`, and when the token wins it runs its own
//! cleanup and returns normally. A `TaskTracker` tells `supervise` when the
//! last worker has returned.

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
pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    // The workers watch a child of the caller's token: cancelling the
    // caller's token cancels the child too, but cancelling the child leaves
    // the caller's token alone. The drop guard cancels the child when it is
    // dropped: when supervise returns (every worker is done by then, so it
    // changes nothing), and when the caller drops supervise's future before
    // that (a timeout around it). Then the workers stop and flush on their
    // own, as if the token had been cancelled, instead of running forever
    // with nobody left to wait for them.
    let token = token.child_token();
    let _stop_workers_if_dropped = token.clone().drop_guard();

    let tracker = TaskTracker::new();

    // Every worker gets its own clone of the token: clones share one flag,
    // so one `cancel()` reaches all of them. `tracker.spawn` is
    // `tokio::spawn` plus bookkeeping: the tracker counts the task until it
    // has finished.
    let handles: Vec<_> = (0..n)
        .map(|w| tracker.spawn(worker(w, token.clone())))
        .collect();

    // "No more tasks will be added." `wait()` completes when the tracker is
    // closed AND empty; without `close()` an empty tracker could still be
    // about to get a task, so `wait()` would wait forever (even with n = 0).
    tracker.close();

    // Returns once every worker has returned, i.e. after every flush. The
    // token is never cancelled here: whoever owns it decides when to stop.
    tracker.wait().await;

    // Every task has finished, so each handle yields its output at once.
    // The handles are in worker order, so the exits are too. (A panicking
    // worker would be a bug in this crate: re-raise it.)
    let mut exits = Vec::with_capacity(n);
    for handle in handles {
        exits.push(handle.await.expect("a worker panicked"));
    }
    exits
}

/// One worker: items until the token is cancelled, then a flush.
async fn worker(w: usize, token: CancellationToken) -> Exit {
    let mut items = 0;
    loop {
        // Race the current item against the cancellation. When the token
        // wins, `select!` drops the item's future: it is abandoned at once
        // instead of being finished first (checking `is_cancelled()` only
        // between items would make shutdown wait for the slowest item).
        // `biased;` checks the token first, so an already-cancelled token
        // stops the worker before it starts an item.
        tokio::select! {
            biased;
            () = token.cancelled() => break,
            () = process_item(w) => items += 1,
        }
    }
    // The cleanup that `abort()` would have skipped: an aborted task is
    // dropped at its current `.await` and never runs another line of its
    // own. Here the worker is still in charge, so it flushes, then returns.
    flush(w).await;
    Exit { worker: w, items }
}
