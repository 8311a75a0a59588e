//! Wrong: receives in a task of its own and awaits its JoinHandle, so when the caller drops consume's future the task keeps receiving, detached.
//! Caught by: dropping_consume_leaves_nothing_behind

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
    // The mistake: dropping the JoinHandle (with consume's future) does not
    // stop the task.
    let receiver = tokio::spawn(async move {
        let mut summary = Summary::default();
        loop {
            match rx.recv().await {
                Ok(value) => summary.values.push(value),
                Err(RecvError::Lagged(missed)) => summary.skipped += missed,
                Err(RecvError::Closed) => return summary,
            }
        }
    });
    receiver.await.expect("the receiving task panicked")
}
