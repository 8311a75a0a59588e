//! Right: `run_until_cancelled` around an endless item loop (the count kept outside it), exits sent over a channel and sorted by worker, and a hand-written guard that cancels the workers' child token on drop.

use std::time::Duration;
use tokio::sync::mpsc;

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

struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

pub async fn supervise(n: usize, token: CancellationToken) -> Vec<Exit> {
    let workers_token = token.child_token();
    let _cancel_on_drop = CancelOnDrop(workers_token.clone());

    let tracker = TaskTracker::new();
    let (sender, mut receiver) = mpsc::channel(n.max(1));
    for id in 0..n {
        let stop = workers_token.clone();
        let sender = sender.clone();
        tracker.spawn(async move {
            let mut done = 0u32;
            stop.run_until_cancelled(async {
                loop {
                    process_item(id).await;
                    done += 1;
                }
            })
            .await;
            flush(id).await;
            let _ = sender
                .send(Exit {
                    worker: id,
                    items: done,
                })
                .await;
        });
    }
    drop(sender);
    tracker.close();
    tracker.wait().await;

    let mut exits = Vec::new();
    while let Some(exit) = receiver.recv().await {
        exits.push(exit);
    }
    exits.sort_by_key(|exit| exit.worker);
    exits
}
