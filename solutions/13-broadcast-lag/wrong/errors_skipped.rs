//! Wrong: skips every error and receives again (`Err(_) => continue`), treating Closed like a lag; a closed channel answers Closed at once, forever, so consume spins and never returns.
//! Caught by: ten_values_into_capacity_four_keep_the_last_four, a_receiver_that_falls_behind_mid_stream_catches_up

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
    loop {
        match rx.recv().await {
            Ok(value) => summary.values.push(value),
            Err(RecvError::Lagged(missed)) => summary.skipped += missed,
            // The mistake: Closed is the end, not a hiccup.
            Err(_) => continue,
        }
    }
}
