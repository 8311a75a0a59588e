//! Right: plain `tokio::spawn` of `tracker.track_future(..)`, the exits written into a shared `Arc<Mutex<Vec<Option<Exit>>>>` by worker index, an unbiased `select!` over a pinned item future, and the drop guard of a child token.

use std::sync::{Arc, Mutex};
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
    let child = token.child_token();
    let _guard = child.clone().drop_guard();
    let tracker = TaskTracker::new();
    let results: Arc<Mutex<Vec<Option<Exit>>>> = Arc::new(Mutex::new(vec![None; n]));

    for w in 0..n {
        let (child, results) = (child.clone(), Arc::clone(&results));
        tokio::spawn(tracker.track_future(async move {
            let mut items = 0;
            loop {
                let item = process_item(w);
                tokio::pin!(item);
                tokio::select! {
                    _ = child.cancelled() => break,
                    _ = &mut item => items += 1,
                }
            }
            flush(w).await;
            results.lock().unwrap()[w] = Some(Exit { worker: w, items });
        }));
    }

    tracker.close();
    tracker.wait().await;
    let mut results = results.lock().unwrap();
    results
        .iter_mut()
        .map(|exit| exit.take().expect("every worker reported"))
        .collect()
}
