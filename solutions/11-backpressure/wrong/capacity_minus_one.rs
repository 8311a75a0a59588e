//! Wrong: ingest_channel makes room for cap - 1 values ("the value being received is one more in flight"), so the channel pushes back one value too early.
//! Caught by: send_waits_while_the_channel_is_full_and_is_woken_by_a_recv, the_producer_waits_for_a_slow_consumer_once_the_buffer_is_full

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // The mistake: the consumer's value is not in the buffer any more; the
    // buffer alone must hold `cap`. (max(1): mpsc::channel(0) panics.)
    mpsc::channel(cap.saturating_sub(1).max(1))
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    if tx.try_send(v).is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
