//! Wrong: ingest_channel makes room for cap + 1 values, so a send into a channel holding cap values still goes through instead of waiting.
//! Caught by: send_waits_while_the_channel_is_full_and_is_woken_by_a_recv

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // The mistake: "one spare slot" is one slot too many.
    mpsc::channel(cap + 1)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    if tx.try_send(v).is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
