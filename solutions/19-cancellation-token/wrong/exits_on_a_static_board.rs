//! Wrong: workers put their exits on a process-wide static that supervise drains, so two supervise calls running at the same time mix their exits.
//! Caught by: two_supervisors_sharing_a_token_keep_their_own_exits

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
use std::sync::Mutex;

/// Where workers leave their exit when they are done.
static EXITS: Mutex<Vec<Exit>> = Mutex::new(Vec::new());

async fn worker(w: usize, token: CancellationToken) {
    let mut items = 0;
    loop {
        tokio::select! {
            biased;
            () = token.cancelled() => break,
            () = process_item(w) => items += 1,
        }
    }
    flush(w).await;
    EXITS.lock().unwrap().push(Exit { worker: w, items });
}

pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    let stop = token.child_token();
    let _stop_on_drop = stop.clone().drop_guard();

    let tracker = TaskTracker::new();
    for w in 0..n {
        tracker.spawn(worker(w, stop.clone()));
    }
    tracker.close();
    tracker.wait().await;

    let mut exits = std::mem::take(&mut *EXITS.lock().unwrap());
    exits.sort_by_key(|exit| exit.worker);
    exits
}
