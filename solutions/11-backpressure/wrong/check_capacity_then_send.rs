//! Wrong: lossy_send checks capacity() first and then awaits send(..): that send can still wait, when another producer takes the last slot in between (on a multi-thread runtime), or when the task has used up tokio's cooperative budget.
//! Caught by: lossy_send_delivers_a_burst_longer_than_the_coop_budget

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: check-then-act. The slot seen free may be gone by the
    // time send takes it.
    if tx.capacity() == 0 || tx.send(v).await.is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
