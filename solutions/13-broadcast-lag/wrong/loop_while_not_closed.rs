//! Wrong: loops while !rx.is_closed(), so once the sender is dropped it stops at once, without receiving the values the channel still holds.
//! Caught by: values_still_buffered_when_the_sender_is_dropped_are_received

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

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut summary = Summary::default();
    // The mistake: "closed" (no sender left) is not "nothing left to read".
    while !rx.is_closed() {
        match rx.recv().await {
            Ok(value) => summary.values.push(value),
            Err(RecvError::Lagged(missed)) => summary.skipped += missed,
            Err(RecvError::Closed) => break,
        }
    }
    summary
}
