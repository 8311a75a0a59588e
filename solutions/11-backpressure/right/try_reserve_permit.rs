//! Right: reserves a slot with try_reserve() and sends through the permit; counts with SeqCst; the channel is built with an explicit type and an assertion on cap.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{channel, Receiver, Sender};

pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    assert!(cap >= 1, "a channel needs room for at least one value");
    let (tx, rx) = channel::<u32>(cap);
    (tx, rx)
}

pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    match tx.try_reserve() {
        Ok(permit) => permit.send(v),
        Err(_full_or_closed) => {
            dropped.fetch_add(1, Ordering::SeqCst);
        }
    }
}
