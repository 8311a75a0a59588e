//! Wrong: checks tokio's clock every millisecond instead of awaiting one timer: it gives up at the right instant, but wakes up a thousand times a second while it waits.
//! Caught by: with_timeout_waits_without_waking_up

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
        // The mistake: 1ms is "precise enough", but the task never rests.
        if let Some(output) = futures::FutureExt::now_or_never(&mut f) {
            return Ok(output);
        }
        if start.elapsed() >= limit {
            return Err(TimedOut { limit });
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
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
