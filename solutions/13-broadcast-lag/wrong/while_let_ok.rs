//! Wrong: receives with while let Ok(v), which stops at the first Err, and a lag is an Err: the receiver quits at the first lag with nothing received and nothing counted.
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
    // The mistake: Lagged ends this loop just like Closed does.
    while let Ok(value) = rx.recv().await {
        summary.values.push(value);
    }
    summary
}
