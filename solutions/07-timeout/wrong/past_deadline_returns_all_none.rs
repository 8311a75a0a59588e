//! Wrong: first_within returns all None at once when the deadline has already come, without polling the ops, so ops that are ready at once are lost.
//! Caught by: a_deadline_already_reached_still_polls_every_op_once

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
    // The mistake: a shortcut that skips the race. "No time left" still
    // leaves time for one poll.
    if Instant::now() >= deadline {
        return ops.iter().map(|_| None).collect();
    }
    let races = ops.into_iter().map(|op| async move {
        tokio::select! {
            biased;
            output = op => Some(output),
            () = tokio::time::sleep_until(deadline) => None,
        }
    });
    futures::future::join_all(races).await
}
