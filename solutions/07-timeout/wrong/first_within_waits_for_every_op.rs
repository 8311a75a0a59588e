//! Wrong: first_within runs every op concurrently but never races them against the deadline: it waits for all of them (forever for an op that never finishes) and then marks the late ones None.
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
    // The mistake: join_all alone waits for the slowest op. Checking the
    // time afterwards cannot bring the deadline back.
    let timed = ops.into_iter().map(|op| async move {
        let output = op.await;
        (output, Instant::now())
    });
    futures::future::join_all(timed)
        .await
        .into_iter()
        .map(|(output, done)| (done <= deadline).then_some(output))
        .collect()
}
