//! Wrong: ingest_channel ignores cap and makes a channel as big as an unbounded one, so the producer never waits: it finishes at 0ms while the queue holds everything it produced.
//! Caught by: the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // The mistake: no bound, no backpressure.
    let _ = cap;
    mpsc::channel(tokio::sync::Semaphore::MAX_PERMITS)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    if tx.try_send(v).is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
