//! Wrong: wraps every recv in a one-hour timeout and takes an hour of silence for the end of the stream.
//! Caught by: consume_sleeps_while_nothing_is_sent

use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub values: Vec<u32>,
    pub skipped: u64,
}

/// A feed that has been silent this long is dead.
const IDLE_LIMIT: Duration = Duration::from_secs(60 * 60);

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut summary = Summary::default();
    loop {
        match tokio::time::timeout(IDLE_LIMIT, rx.recv()).await {
            Ok(Ok(value)) => summary.values.push(value),
            Ok(Err(RecvError::Lagged(missed))) => summary.skipped += missed,
            Ok(Err(RecvError::Closed)) => return summary,
            Err(_silent_for_an_hour) => return summary,
        }
    }
}
