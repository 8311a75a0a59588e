//! Right: `if let Err(e) = tx.try_send(v)` with a nested match naming both reasons, and a small helper that does the counting.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

pub fn ingest_channel(cap: usize) -> (mpsc::Sender<u32>, mpsc::Receiver<u32>) {
    mpsc::channel(cap)
}

fn count_drop(dropped: &AtomicU64) {
    dropped.fetch_add(1, Relaxed);
}

pub async fn lossy_send(tx: &mpsc::Sender<u32>, v: u32, dropped: &AtomicU64) {
    if let Err(error) = tx.try_send(v) {
        match error {
            // The consumer is behind: shed this value.
            TrySendError::Full(_) => count_drop(dropped),
            // Nobody will ever read it.
            TrySendError::Closed(_) => count_drop(dropped),
        }
    }
}
