//! Wrong: first_within races each op in a biased select! that lists the deadline first, so an op that finishes exactly at the deadline loses the tie and comes back None.
//! Caught by: an_op_finishing_exactly_at_the_deadline_counts

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

/// The error returned when the work did not finish within its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit that was exceeded.
    pub limit: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.limit)
    }
}

impl std::error::Error for TimedOut {}

pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    tokio::select! {
        biased;
        output = f => Ok(output),
        () = tokio::time::sleep(limit) => Err(TimedOut { limit }),
    }
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let races = ops.into_iter().map(|op| async move {
        // The mistake: with `biased;`, the first branch listed wins a tie.
        tokio::select! {
            biased;
            () = tokio::time::sleep_until(deadline) => None,
            output = op => Some(output),
        }
    });
    futures::future::join_all(races).await
}
