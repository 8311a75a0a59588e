//! Wrong: first_within keeps the ops in a list and polls each of them with now_or_never every millisecond until the deadline: the right results at the right time, but it never rests while it waits.
//! Caught by: first_within_waits_without_waking_up

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt;
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

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let mut pending: Vec<Option<BoxFuture<'static, T>>> = ops.into_iter().map(Some).collect();
    let mut results: Vec<Option<T>> = pending.iter().map(|_| None).collect();
    loop {
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(op) = slot {
                if let Some(output) = op.now_or_never() {
                    *result = Some(output);
                    *slot = None;
                }
            }
        }
        if pending.iter().all(Option::is_none) || Instant::now() >= deadline {
            return results;
        }
        // The mistake: a clock check every millisecond instead of one
        // wake-up when something actually happens.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
