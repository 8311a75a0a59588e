//! # Kata 11: backpressure with a bounded channel (reference solution)
//!
//! A bounded channel is how a slow consumer pushes back on a fast producer:
//! `send(..).await` waits for room, so the queue never holds more than
//! `cap` values. Where waiting is not acceptable, `try_send` takes a slot
//! only if one is free, and the value is dropped (and counted) otherwise.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc::{self, error::TrySendError, Receiver, Sender};

/// The channel between a producer and a slow consumer: at most `cap`
/// values wait in it (`cap` is at least 1).
pub fn ingest_channel(cap: usize) -> (Sender<u32>, Receiver<u32>) {
    // `cap` slots. When they are all taken, `send(..).await` returns Pending
    // and the producer's task waits, without blocking its thread, until
    // `recv` frees a slot and wakes it. That wait is the backpressure: the
    // producer can never get more than `cap` values ahead, so memory and
    // latency stay bounded.
    mpsc::channel(cap)
}

/// Sends `v` if there is room right now; otherwise (the channel is full, or
/// the receiver is gone) drops it and adds one to `dropped`. Never waits.
pub async fn lossy_send(tx: &Sender<u32>, v: u32, dropped: &AtomicU64) {
    // `try_send` never waits: it takes a free slot or fails at once, handing
    // the value back inside the error. Either failure means `v` will not be
    // delivered, so it is counted: shedding load silently would hide an
    // overloaded consumer. (`send(..).await` here would wait for room, and
    // the "lossy" producer would crawl at the consumer's pace.)
    match tx.try_send(v) {
        Ok(()) => {}
        Err(TrySendError::Full(_) | TrySendError::Closed(_)) => {
            // Relaxed: a statistic, it orders nothing else.
            dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
