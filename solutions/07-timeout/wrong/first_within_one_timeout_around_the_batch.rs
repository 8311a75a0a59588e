//! Wrong: first_within puts one timeout_at(deadline, ..) around join_all of every op: when any op is late, the whole batch is dropped at the deadline and every entry comes back None, the ops that had finished included.
//! Caught by: first_within_returns_at_the_shared_deadline

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
    let n = ops.len();
    // The mistake: the deadline cuts off the join, and with it the results
    // it was holding for the ops that had finished.
    match tokio::time::timeout_at(deadline, futures::future::join_all(ops)).await {
        Ok(outputs) => outputs.into_iter().map(Some).collect(),
        Err(_elapsed) => (0..n).map(|_| None).collect(),
    }
}
