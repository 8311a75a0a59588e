//! Wrong: after each lag it blocks the thread for 2ms with std::thread::sleep "to let the sender finish its burst": invisible on the paused clock, but every task on the thread stops.
//! Caught by: a_receiver_that_falls_behind_mid_stream_catches_up

use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub values: Vec<u32>,
    pub skipped: u64,
}

/// How long to let a burst settle after falling behind.
const SETTLE: Duration = Duration::from_millis(2);

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut summary = Summary::default();
    loop {
        match rx.recv().await {
            Ok(value) => summary.values.push(value),
            Err(RecvError::Lagged(missed)) => {
                summary.skipped += missed;
                // We are behind a burst: let it finish before we read on, or
                // we will lag again straight away.
                std::thread::sleep(SETTLE);
            }
            Err(RecvError::Closed) => return summary,
        }
    }
}
