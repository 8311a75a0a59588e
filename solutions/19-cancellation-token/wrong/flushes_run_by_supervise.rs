//! Wrong: the workers only count and return, and supervise runs the flushes itself once they are done, so when the caller drops supervise nobody flushes.
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

/// Works until cancelled; returns how many items it completed.
async fn worker(w: usize, token: CancellationToken) -> u32 {
    let mut items = 0;
    loop {
        tokio::select! {
            biased;
            () = token.cancelled() => break,
            () = process_item(w) => items += 1,
        }
    }
    items
}

pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    let stop = token.child_token();
    let _stop_on_drop = stop.clone().drop_guard();

    let tracker = TaskTracker::new();
    let handles: Vec<_> = (0..n).map(|w| tracker.spawn(worker(w, stop.clone()))).collect();
    tracker.close();
    tracker.wait().await;

    // Every worker has stopped: flush them all at once, in one place.
    let mut flushes = JoinSet::new();
    for w in 0..n {
        flushes.spawn(flush(w));
    }
    while flushes.join_next().await.is_some() {}

    let mut exits = Vec::with_capacity(n);
    for (w, handle) in handles.into_iter().enumerate() {
        let items = handle.await.expect("a worker panicked");
        exits.push(Exit { worker: w, items });
    }
    exits
}
