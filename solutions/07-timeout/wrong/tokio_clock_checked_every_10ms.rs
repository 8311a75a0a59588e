//! Wrong: checks tokio's clock every 10ms instead of awaiting one timer, so it only notices the limit at the next multiple of 10ms: a 317ms limit gives up at 320ms.
//! Caught by: a_slow_future_times_out_at_exactly_the_limit

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
    // The mistake: a polling loop. It lands on round limits (100ms, 1s)
    // exactly, and overshoots every other one.
    let deadline = Instant::now() + limit;
    tokio::pin!(f);
    loop {
        tokio::select! {
            biased;
            output = &mut f => return Ok(output),
            () = tokio::time::sleep(Duration::from_millis(10)) => {}
        }
        if Instant::now() >= deadline {
            return Err(TimedOut { limit });
        }
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
