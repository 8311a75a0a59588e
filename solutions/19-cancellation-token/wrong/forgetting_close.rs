//! Wrong: never calls `tracker.close()`, so `tracker.wait()` never completes, even once every worker has finished: supervise hangs.
//! Caught by: supervise_returns_when_the_last_worker_has_flushed, no_workers_means_nothing_to_wait_for

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

pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    // Dropped with supervise: cancels the workers' child token, not ours.
    let token = token.child_token();
    let _guard = token.clone().drop_guard();
    let tracker = TaskTracker::new();
    let handles: Vec<_> = (0..n)
        .map(|w| tracker.spawn(worker(w, token.clone())))
        .collect();
    // The mistake: no `tracker.close()`. An open tracker might still get
    // new tasks, so "empty" does not mean "done", and wait() waits forever.
    tracker.wait().await;

    let mut exits = Vec::with_capacity(n);
    for handle in handles {
        exits.push(handle.await.expect("a worker panicked"));
    }
    exits
}

async fn worker(w: usize, token: CancellationToken) -> Exit {
    let mut items = 0;
    loop {
        tokio::select! {
            biased;
            () = token.cancelled() => break,
            () = process_item(w) => items += 1,
        }
    }
    flush(w).await;
    Exit { worker: w, items }
}
