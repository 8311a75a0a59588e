//! # Kata 13: survive broadcast lag (reference solution)
//!
//! A broadcast channel never makes its sender wait for a slow receiver: it
//! overwrites the oldest values and tells that receiver how many it missed.
//! So a receiver has three outcomes to handle, and only one of them, Closed,
//! is the end of the stream.

use tokio::sync::broadcast::{self, error::RecvError};

/// What a receiver saw: the values it received, in order, and how many it
/// missed because it fell behind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Every value received, in the order received.
    pub values: Vec<u32>,
    /// The total of every `RecvError::Lagged(n)`: values that were sent but
    /// overwritten before this receiver could read them.
    pub skipped: u64,
}

/// Receives from `rx` until the channel is closed (every `Sender` dropped
/// and every remaining value received) and summarises what it saw. A lag is
/// counted in `skipped`, and receiving goes on.
pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut summary = Summary::default();
    loop {
        match rx.recv().await {
            Ok(value) => summary.values.push(value),
            // We fell more than `capacity` values behind and the oldest ones
            // were overwritten. The channel has already moved this receiver
            // to the oldest value it still holds, so the next recv() returns
            // a value again: note the loss and carry on. (A real client might
            // log it, or fetch a fresh snapshot of what it missed.) Stopping
            // here would turn one slow moment into a dead subscriber.
            Err(RecvError::Lagged(missed)) => summary.skipped += missed,
            // Every Sender is gone and the buffer is drained: nothing will
            // ever come again. This is the only way out of the loop.
            Err(RecvError::Closed) => return summary,
        }
    }
}
