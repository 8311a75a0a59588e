//! Wrong: ingest_channel uses the README's example capacity, 4, whatever cap it is given.
//! Caught by: send_waits_while_the_channel_is_full_and_is_woken_by_a_recv, the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, error::TrySendError, Receiver, Sender};

/// Room for four values: enough for a burst, small enough to push back.
const ROOM: usize = 4;

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // The mistake: `cap` is the caller's decision.
    let _ = cap;
    mpsc::channel(ROOM)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    match tx.try_send(v) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) | Err(TrySendError::Closed(_)) => {
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
