//! Right: workers written inline as async blocks with a `while` loop on `select!`'s result, their JoinHandles awaited in order after `wait()`, the drop guard dropped by hand at the end.

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
    let guard = token.clone().drop_guard();

    let tracker = TaskTracker::new();
    let mut handles = Vec::new();
    for w in 0..n {
        let token = token.clone();
        handles.push(tracker.spawn(async move {
            let mut items = 0;
            let mut running = true;
            while running {
                running = tokio::select! {
                    biased;
                    _ = token.cancelled() => false,
                    _ = process_item(w) => {
                        items += 1;
                        true
                    }
                };
            }
            flush(w).await;
            Exit { worker: w, items }
        }));
    }
    tracker.close();
    tracker.wait().await;
    drop(guard);

    let mut exits = Vec::new();
    for handle in handles.iter_mut() {
        exits.push(handle.await.expect("worker panicked"));
    }
    exits
}
