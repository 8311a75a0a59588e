//! Right: drains what is already there with try_recv, and only awaits recv() when the channel is empty; a helper turns each outcome into a step.

use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

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

enum Step {
    Value(u32),
    Missed(u64),
    End,
}

async fn next(rx: &mut broadcast::Receiver<u32>) -> Step {
    match rx.try_recv() {
        Ok(v) => Step::Value(v),
        Err(TryRecvError::Lagged(n)) => Step::Missed(n),
        Err(TryRecvError::Closed) => Step::End,
        // Nothing there yet: wait for it, without a timer.
        Err(TryRecvError::Empty) => match rx.recv().await {
            Ok(v) => Step::Value(v),
            Err(RecvError::Lagged(n)) => Step::Missed(n),
            Err(RecvError::Closed) => Step::End,
        },
    }
}

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut out = Summary::default();
    loop {
        match next(&mut rx).await {
            Step::Value(v) => out.values.push(v),
            Step::Missed(n) => out.skipped += n,
            Step::End => return out,
        }
    }
}
