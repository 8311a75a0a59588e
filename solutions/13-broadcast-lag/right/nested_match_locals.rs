//! Right: locals instead of a Summary built up in place, a nested match on the error, and a break out of the loop.

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

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

pub async fn consume(rx: broadcast::Receiver<u32>) -> Summary {
    let mut rx = rx;
    let mut values = Vec::new();
    let mut skipped = 0u64;
    loop {
        let next = rx.recv().await;
        match next {
            Ok(v) => values.push(v),
            Err(e) => match e {
                RecvError::Lagged(n) => skipped += n,
                RecvError::Closed => break,
            },
        }
    }
    Summary { values, skipped }
}
