//! Wrong: a JoinSet instead of a TaskTracker and a child token, so when the caller drops supervise the JoinSet aborts the workers and none of them flushes.
//! Caught by: dropping_supervise_stops_every_worker

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
use tokio::task::JoinSet;

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

pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    // A JoinSet gives the exits back directly (a TaskTracker holds no
    // outputs), and owns the workers: none outlives `supervise`.
    let _ = TaskTracker::new;
    let mut workers = JoinSet::new();
    for w in 0..n {
        workers.spawn(worker(w, token.clone()));
    }
    let mut exits = Vec::with_capacity(n);
    while let Some(joined) = workers.join_next().await {
        exits.push(joined.expect("a worker panicked"));
    }
    exits.sort_by_key(|exit| exit.worker);
    exits
}
