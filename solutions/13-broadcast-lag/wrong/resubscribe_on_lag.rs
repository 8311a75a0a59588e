//! Wrong: on a lag, resubscribes to "catch up with the live stream", which jumps past the values the channel still holds (and a resubscribed receiver of a closed channel sees nothing at all).
//! Caught by: ten_values_into_capacity_four_keep_the_last_four

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
            Err(RecvError::Lagged(missed)) => {
                summary.skipped += missed;
                // The mistake: the values still held are skipped too.
                rx = rx.resubscribe();
            }
            Err(RecvError::Closed) => return summary,
        }
    }
}
