//! Wrong: lossy_send awaits send, which waits for room when the channel is full, so the lossy path blocks the producer and never drops anything.
//! Caught by: lossy_send_never_waits_and_counts_what_it_drops

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: this waits for room instead of dropping.
    if tx.send(v).await.is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
