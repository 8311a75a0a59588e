//! Wrong: works out skipped from the gaps between the values received (as if they were always 0, 1, 2, ...) instead of from Lagged(n).
//! Caught by: a_receiver_that_keeps_up_skips_nothing

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
    let mut last: Option<u32> = None;
    loop {
        match rx.recv().await {
            Ok(value) => {
                // The mistake: the values say nothing about what was missed.
                if let Some(last) = last {
                    summary.skipped += u64::from(value.saturating_sub(last).saturating_sub(1));
                }
                last = Some(value);
                summary.values.push(value);
            }
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return summary,
        }
    }
}
