//! Wrong: with_timeout spawns the future and races its JoinHandle against the timer; on timeout the handle is dropped, which detaches the task instead of cancelling it, so the slow future keeps running (a leaked task).
//! Caught by: the_timed_out_future_is_dropped_and_nothing_leaks

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

// (Spawning needs `Send + 'static` bounds; the tests' futures satisfy them.)
pub async fn with_timeout<F>(limit: Duration, f: F) -> Result<F::Output, TimedOut>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut handle = tokio::spawn(f);
    // The mistake: when the sleep wins, only the handle is dropped. The
    // task, and the 5s future inside it, goes on running.
    tokio::select! {
        biased;
        joined = &mut handle => Ok(joined.expect("the future panicked")),
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
