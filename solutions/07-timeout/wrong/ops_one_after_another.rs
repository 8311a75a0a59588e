//! Wrong: awaits the ops one after the other, each against the shared deadline; ops later in the list only start after the earlier ones, so ops that would have finished in time concurrently (900ms, 1s) come back None.
//! Caught by: first_within_keeps_what_finished_by_the_deadline_in_input_order

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
    // The mistake: the deadline is shared, but the ops are not concurrent.
    // An op is only polled (started) once the previous one is done.
    let mut results = Vec::new();
    for op in ops {
        results.push(tokio::time::timeout_at(deadline, op).await.ok());
    }
    results
}
