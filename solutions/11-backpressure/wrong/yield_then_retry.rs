//! Wrong: when the channel is full, lossy_send first yields to give the consumer a chance and tries once more before dropping, so a lossy_send into a full channel does not return at once.
//! Caught by: lossy_send_never_waits_and_counts_what_it_drops

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, error::TrySendError, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    match tx.try_send(v) {
        Ok(()) => {}
        Err(TrySendError::Full(v)) => {
            // The mistake: "never waits" means not even a yield.
            tokio::task::yield_now().await;
            if tx.try_send(v).is_err() {
                dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        Err(TrySendError::Closed(_)) => {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
