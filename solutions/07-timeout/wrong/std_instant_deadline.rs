//! Wrong: polls the future every 10ms and checks a std::time::Instant deadline; tokio's paused clock does not move std::time::Instant, so it never times out (a 5s future returns Ok after 5s, a hung future never returns).
//! Caught by: a_slow_future_times_out_at_exactly_the_limit, a_future_that_never_finishes_still_times_out

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
    // The mistake: the deadline is on the operating system's clock, not on
    // tokio's. It "works" in production (wastefully, waking every 10ms), but
    // tokio's clock is the one that tests pause and advance.
    let deadline = std::time::Instant::now() + limit;
    tokio::pin!(f);
    loop {
        tokio::select! {
            biased;
            output = &mut f => return Ok(output),
            () = tokio::time::sleep(Duration::from_millis(10)) => {}
        }
        if std::time::Instant::now() >= deadline {
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
