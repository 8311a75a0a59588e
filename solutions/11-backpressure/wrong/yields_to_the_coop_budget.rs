//! Wrong: lossy_send is "a good citizen": it calls tokio::task::consume_budget() before its try_send, so once a task has used up its cooperative budget (128 operations in a row) the call yields once instead of returning at its first poll. The README: ready the first time it is polled, every time.
//! Caught by: lossy_send_delivers_a_burst_longer_than_the_coop_budget

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: an optional yield point in code that must never wait.
    tokio::task::consume_budget().await;
    if tx.try_send(v).is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
