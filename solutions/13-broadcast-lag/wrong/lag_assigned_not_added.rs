//! Wrong: sets skipped to the latest Lagged(n) instead of adding it, so with more than one lag only the last one is counted.
//! Caught by: a_receiver_that_falls_behind_mid_stream_catches_up

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
            // The mistake: = instead of +=.
            Err(RecvError::Lagged(missed)) => summary.skipped = missed,
            Err(RecvError::Closed) => return summary,
        }
    }
}
