//! Wrong: awaits the future first and only then compares the elapsed time, so a 5s future with a 1s limit returns (an Err) after 5s instead of at 1s.
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
    // The mistake: nothing can interrupt `f.await`. The check comes after
    // the work is done, so the caller waits the full 5s either way.
    let start = Instant::now();
    let output = f.await;
    if start.elapsed() > limit {
        Err(TimedOut { limit })
    } else {
        Ok(output)
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
