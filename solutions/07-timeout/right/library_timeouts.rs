//! Right: tokio's own timeout and timeout_at instead of a hand-written select!, and join_all over the timed ops.

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

/// `tokio::time::timeout` polls the inner future before it looks at its
/// deadline, so a result ready at the limit is kept.
pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    tokio::time::timeout(limit, f)
        .await
        .map_err(|_elapsed| TimedOut { limit })
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let timed: Vec<_> = ops
        .into_iter()
        .map(|op| tokio::time::timeout_at(deadline, op))
        .collect();
    let outcomes = futures::future::join_all(timed).await;
    outcomes.into_iter().map(Result::ok).collect()
}
