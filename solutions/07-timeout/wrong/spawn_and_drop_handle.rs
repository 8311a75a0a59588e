//! Wrong: first_within spawns every op and, at the deadline, just drops the JoinHandles of the late ones; dropping a handle detaches the task, so the late ops keep running (leaked) instead of being cancelled.
//! Caught by: first_within_drops_the_ops_that_miss_the_deadline

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

// (Spawning needs `T: Send + 'static`; the tests' values satisfy it.)
pub async fn first_within<T: Send + 'static>(
    deadline: Instant,
    ops: Vec<BoxFuture<'static, T>>,
) -> Vec<Option<T>> {
    let handles: Vec<_> = ops.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::new();
    for mut handle in handles {
        // The mistake: when the deadline wins, `handle` is dropped, but the
        // task it pointed to is still running in the background.
        let result = tokio::select! {
            biased;
            joined = &mut handle => Some(joined.expect("op panicked")),
            () = tokio::time::sleep_until(deadline) => None,
        };
        results.push(result);
    }
    results
}
