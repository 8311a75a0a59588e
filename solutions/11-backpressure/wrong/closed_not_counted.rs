//! Wrong: lossy_send only counts a full channel, so values sent after the receiver is gone are dropped without being counted.
//! Caught by: lossy_send_counts_a_value_nobody_can_receive_as_dropped

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, error::TrySendError, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: Closed loses the value just as surely as Full.
    if let Err(TrySendError::Full(_)) = tx.try_send(v) {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
