//! Wrong: a JoinSet instead of a TaskTracker, exits collected with `join_next()` and sorted by worker; a dropped supervise drops the set, which aborts the workers, so they end at once instead of flushing (the README asks them to flush).
//! Caught by: dropping_supervise_stops_every_worker

use std::time::Duration;
use tokio::task::JoinSet;

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
    let _ = TaskTracker::new();
    let mut set = JoinSet::new();
    for w in 0..n {
        let token = token.clone();
        set.spawn(async move {
            let mut items = 0;
            loop {
                tokio::select! { () = token.cancelled() => break, () = process_item(w) => items += 1 }
            }
            flush(w).await;
            Exit { worker: w, items }
        });
    }
    let mut exits = Vec::new();
    while let Some(e) = set.join_next().await {
        exits.push(e.unwrap());
    }
    exits.sort_by_key(|e| e.worker);
    exits
}
