//! Wrong: lossy_send uses try_send but ignores its error, so values are dropped silently and dropped stays 0.
//! Caught by: a_lossy_producer_drops_what_a_slow_consumer_cannot_take

use std::sync::atomic::AtomicU64;

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    mpsc::channel(cap)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // The mistake: the value is lost and nobody will ever know.
    let _ = dropped;
    let _ = tx.try_send(v);
}
