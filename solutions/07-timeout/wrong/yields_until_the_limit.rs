//! Wrong: checks tokio's clock in a loop, yielding to the runtime in between instead of awaiting a timer: the task never sleeps, so on the paused clock time never moves and the limit never comes (in production it burns a core).
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
    let start = Instant::now();
    tokio::pin!(f);
    loop {
        // The mistake: "give the others a turn, then look at the clock".
        tokio::select! {
            biased;
            output = &mut f => return Ok(output),
            () = tokio::task::yield_now() => {}
        }
        if start.elapsed() >= limit {
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
