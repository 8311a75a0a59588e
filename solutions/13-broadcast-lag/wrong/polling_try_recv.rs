//! Wrong: checks for values with try_recv and sleeps 10ms when there are none, so it notices the end late and wakes up a hundred times a second while nothing is sent.
//! Caught by: consume_sleeps_while_nothing_is_sent, a_receiver_that_keeps_up_skips_nothing

use std::time::Duration;

use tokio::sync::broadcast::{self, error::TryRecvError};

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
        match rx.try_recv() {
            Ok(value) => summary.values.push(value),
            Err(TryRecvError::Lagged(missed)) => summary.skipped += missed,
            // The mistake: a timer decides when to look again.
            Err(TryRecvError::Empty) => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(TryRecvError::Closed) => return summary,
        }
    }
}
