//! Wrong: first_within spawns the ops into a JoinSet and drops the set at the deadline; dropping a JoinSet aborts its tasks, but an aborted task is only dropped later, when the runtime gets to it, so the late ops are still alive when first_within returns.
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

// (Spawning needs `T: Send + 'static`, which the kata's signature does not
// have: a test file that passes other outputs does not compile.)
pub async fn first_within<T: Send + 'static>(
    deadline: Instant,
    ops: Vec<BoxFuture<'static, T>>,
) -> Vec<Option<T>> {
    let n = ops.len();
    let mut set = tokio::task::JoinSet::new();
    for (index, op) in ops.into_iter().enumerate() {
        set.spawn(async move { (index, op.await) });
    }
    let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
    loop {
        tokio::select! {
            biased;
            joined = set.join_next() => match joined {
                Some(joined) => {
                    let (index, output) = joined.expect("an op panicked");
                    results[index] = Some(output);
                }
                None => break,
            },
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    // The mistake: this only *asks* the late tasks to stop.
    drop(set);
    results
}
