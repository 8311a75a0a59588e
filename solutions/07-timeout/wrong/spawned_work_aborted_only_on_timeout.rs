//! Wrong: spawns the work, and aborts (and awaits) it when the timer wins, but not when the caller drops with_timeout mid-way: the JoinHandle is dropped, the task runs on.
//! Caught by: dropping_with_timeout_cancels_the_work

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

// (Spawning needs `Send + 'static` bounds, which the kata's signature does
// not have: a test file that passes other futures does not compile.)
pub async fn with_timeout<F>(limit: Duration, f: F) -> Result<F::Output, TimedOut>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut handle = tokio::spawn(f);
    tokio::select! {
        biased;
        joined = &mut handle => Ok(joined.expect("the future panicked")),
        () = tokio::time::sleep(limit) => {
            handle.abort();
            let _ = handle.await;
            Err(TimedOut { limit })
        }
    }
    // The mistake: if the caller drops this future while it waits above,
    // `handle` is dropped without an abort, which detaches the task.
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
