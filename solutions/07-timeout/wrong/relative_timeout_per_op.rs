//! Wrong: turns the deadline into a relative limit and gives each op its own with_timeout, one op after the other, so each op starts late and gets a fresh limit: the call returns at 3.2s instead of at the 1s deadline.
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
    // The mistake: `limit` is relative. Each op only starts when the one
    // before it is done, and its 1s is counted from then, not from the start.
    let limit = deadline.saturating_duration_since(Instant::now());
    let mut results = Vec::new();
    for op in ops {
        results.push(with_timeout(limit, op).await.ok());
    }
    results
}
