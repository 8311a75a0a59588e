//! Wrong: treats a zero limit as 'no timeout' (a common convention elsewhere) and awaits the future to the end, so with_timeout(0ms, a slow future) is Ok after the work instead of Err at once.
//! Caught by: a_ready_future_is_ok_even_with_a_zero_limit

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
    // The mistake: zero is a limit like any other, not "unlimited".
    if limit.is_zero() {
        return Ok(f.await);
    }
    tokio::select! {
        biased;
        output = f => Ok(output),
        () = tokio::time::sleep(limit) => Err(TimedOut { limit }),
    }
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let races = ops.into_iter().map(|op| async move {
        tokio::select! {
            biased;
            output = op => Some(output),
            () = tokio::time::sleep_until(deadline) => None,
        }
    });
    futures::future::join_all(races).await
}
