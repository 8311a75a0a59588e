//! Wrong: stops the workers with `abort()` when the token is cancelled instead of letting them stop themselves, so no worker ever flushes: supervise returns at the moment of cancellation with no exits.
//! Caught by: supervise_returns_when_the_last_worker_has_flushed

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
    tracker.close();

    // The mistake: "make sure they stop" from the outside. The moment the
    // token is cancelled, every worker is aborted: dropped at its current
    // `.await`, so the flush it was about to start (or had started) never
    // completes.
    token.cancelled().await;
    for handle in &handles {
        handle.abort();
    }
    tracker.wait().await;

    // Aborted tasks yield `Err(JoinError::Cancelled)`: no exits.
    let mut exits = Vec::new();
    for handle in handles {
        if let Ok(exit) = handle.await {
            exits.push(exit);
        }
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
