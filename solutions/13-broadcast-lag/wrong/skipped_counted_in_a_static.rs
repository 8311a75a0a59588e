//! Wrong: counts the lags in a process-wide static that each call resets and reads back, so two consume calls at the same time mix their counts.
//! Caught by: two_receivers_at_once_count_their_own_lags

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub values: Vec<u32>,
    pub skipped: u64,
}

/// Values this consumer missed so far.
static SKIPPED: AtomicU64 = AtomicU64::new(0);

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    SKIPPED.store(0, Ordering::Relaxed);
    let mut values = Vec::new();
    loop {
        match rx.recv().await {
            Ok(value) => values.push(value),
            Err(RecvError::Lagged(missed)) => {
                SKIPPED.fetch_add(missed, Ordering::Relaxed);
            }
            Err(RecvError::Closed) => {
                return Summary {
                    values,
                    skipped: SKIPPED.load(Ordering::Relaxed),
                };
            }
        }
    }
}
