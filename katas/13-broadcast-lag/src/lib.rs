//! # Kata 13: survive broadcast lag
//!
//! A `tokio::sync::broadcast` channel delivers every value to every
//! receiver, but it never waits for a slow one: it keeps only the last
//! `capacity` values, and a receiver that falls further behind loses the
//! oldest ones. Its next `recv()` then returns `Err(RecvError::Lagged(n))`:
//! "you missed `n` values". That is not the end of the stream; `Closed` is.
//!
//! Fill in the `todo!()` below. README.md explains the channel and exactly
//! what the tests expect.

use tokio::sync::broadcast;

/// What a receiver saw: the values it received, in order, and how many it
/// missed because it fell behind.
///
/// Given to you: do not change it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Every value received, in the order received.
    pub values: Vec<u32>,
    /// The total of every `RecvError::Lagged(n)`: values that were sent but
    /// overwritten before this receiver could read them.
    pub skipped: u64,
}

/// Receives from `rx` until the channel is closed (every `Sender` dropped
/// and every remaining value received) and summarises what it saw. A lag is
/// counted in `skipped`, and receiving goes on.
pub async fn consume(rx: broadcast::Receiver<u32>) -> Summary {
    // Handle all three outcomes of rx.recv().await: a value, a lag
    // (RecvError::Lagged(n)), and the end (RecvError::Closed).
    let _ = rx;
    todo!("receive until RecvError::Closed, counting RecvError::Lagged(n) in `skipped`")
}
