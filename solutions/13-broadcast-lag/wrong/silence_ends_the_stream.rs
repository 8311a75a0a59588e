//! Wrong: gives up when nothing has been sent for 5 seconds ("the producer must be done"), so values sent after a long silence are never received.
//! Caught by: consume_sleeps_while_nothing_is_sent

use std::time::Duration;

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
    // The mistake: only Closed is the end; a silence is just a silence.
    while let Ok(received) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        match received {
            Ok(value) => summary.values.push(value),
            Err(RecvError::Lagged(missed)) => summary.skipped += missed,
            Err(RecvError::Closed) => break,
        }
    }
    summary
}
