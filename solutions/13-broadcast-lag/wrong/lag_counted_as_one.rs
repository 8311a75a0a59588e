//! Wrong: counts each lag as one missed value (skipped += 1) instead of the n that Lagged(n) reports.
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
            // The mistake: one lag, but n values lost.
            Err(RecvError::Lagged(_)) => summary.skipped += 1,
            Err(RecvError::Closed) => return summary,
        }
    }
}
