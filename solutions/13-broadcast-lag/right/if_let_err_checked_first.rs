//! Right: handles the errors first with if-let and a guard on Closed, pushes the value last, and uses checked arithmetic on the count.

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
    let mut summary = Summary {
        values: Vec::with_capacity(16),
        skipped: 0,
    };
    loop {
        let result = rx.recv().await;
        if let Err(RecvError::Closed) = result {
            break summary;
        }
        if let Err(RecvError::Lagged(n)) = result {
            summary.skipped = summary
                .skipped
                .checked_add(n)
                .expect("too many lags to count");
            continue;
        }
        if let Ok(v) = result {
            summary.values.push(v);
        }
    }
}
