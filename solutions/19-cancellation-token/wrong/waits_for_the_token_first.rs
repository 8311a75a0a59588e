//! Wrong: awaits `token.cancelled()` itself before closing and waiting on the tracker; right whenever the token is cancelled, but with no workers and a token nobody cancels, supervise waits forever instead of returning [] at once.
//! Caught by: no_workers_means_nothing_to_wait_for

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
    let token = token.child_token();
    let _g = token.clone().drop_guard();
    let tracker = TaskTracker::new();
    let hs: Vec<_> = (0..n).map(|w| { let t = token.clone(); tracker.spawn(async move {
        let mut items = 0;
        loop { tokio::select! { biased; () = t.cancelled() => break, () = process_item(w) => items += 1 } }
        flush(w).await; Exit { worker: w, items } }) }).collect();
    token.cancelled().await;
    tracker.close();
    tracker.wait().await;
    let mut out = Vec::new();
    for h in hs {
        out.push(h.await.unwrap());
    }
    out
}
