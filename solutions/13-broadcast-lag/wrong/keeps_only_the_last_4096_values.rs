//! Wrong: keeps only the last 4096 values in a bounded VecDeque, so a long stream loses its beginning without counting it as skipped.
//! Caught by: a_long_stream_is_received_whole

use std::collections::VecDeque;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub values: Vec<u32>,
    pub skipped: u64,
}

/// Keep at most this many values in memory.
const KEEP: usize = 4096;

pub async fn consume(mut rx: broadcast::Receiver<u32>) -> Summary {
    let mut recent: VecDeque<u32> = VecDeque::new();
    let mut skipped = 0;
    loop {
        match rx.recv().await {
            Ok(value) => {
                if recent.len() == KEEP {
                    recent.pop_front();
                }
                recent.push_back(value);
            }
            Err(RecvError::Lagged(missed)) => skipped += missed,
            Err(RecvError::Closed) => {
                return Summary {
                    values: recent.into(),
                    skipped,
                };
            }
        }
    }
}
