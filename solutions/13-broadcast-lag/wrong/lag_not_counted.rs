//! Wrong: carries on after a lag but ignores how many values were lost, so skipped stays 0 and the loss is invisible.
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
            // The mistake: the values are lost silently.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return summary,
        }
    }
}
