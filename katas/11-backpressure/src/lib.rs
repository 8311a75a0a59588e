//! # Kata 11: backpressure with a bounded channel
//!
//! A fast producer feeds a slow consumer through a channel. Two ways of
//! sending are needed:
//!
//! - `send(..).await` on the channel from `ingest_channel(cap)`: when the
//!   consumer falls behind, the producer must wait (backpressure), so that
//!   at most `cap` values are ever queued;
//! - `lossy_send`, for data that is not worth waiting for (metrics, a live
//!   position feed): if there is no room, drop the value, count it, and go
//!   on at once (load shedding).
//!
//! Both are broken: `ingest_channel` ignores `cap` (the queue grows without
//! limit, so nobody ever waits), and `lossy_send` waits for room instead of
//! dropping. Fix both; keep the signatures. README.md explains.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, Receiver, Sender};

/// The channel between a producer and a slow consumer: at most `cap`
/// values wait in it (`cap` is at least 1).
pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // BUG: "big enough never to fill up": `cap` is ignored, and this is as
    // unbounded as `mpsc::unbounded_channel()` (it has the same limit). The
    // producer never waits, and the queue grows as fast as it produces.
    let _ = cap;
    mpsc::channel(tokio::sync::Semaphore::MAX_PERMITS)
}

/// Sends `v` if there is room right now; otherwise (the channel is full, or
/// the receiver is gone) drops it and adds one to `dropped`. Never waits.
pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // BUG: `send` waits until there is room, so a full channel makes the
    // caller wait: nothing is ever dropped for lack of room.
    if tx.send(v).await.is_err() {
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}
