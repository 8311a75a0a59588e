//! Wrong: first_within loops over a FuturesUnordered and checks "all done?" only after an op finishes, so with no ops it sleeps until the deadline.
//! Caught by: an_empty_batch_returns_at_once

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
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
    let mut results: Vec<Option<T>> = ops.iter().map(|_| None).collect();
    let mut running: FuturesUnordered<_> = ops
        .into_iter()
        .enumerate()
        .map(|(index, op)| op.map(move |value| (index, value)))
        .collect();
    let deadline_passed = tokio::time::sleep_until(deadline);
    tokio::pin!(deadline_passed);
    loop {
        tokio::select! {
            biased;
            Some((index, value)) = running.next() => {
                results[index] = Some(value);
                if running.is_empty() {
                    break;
                }
            }
            () = &mut deadline_passed => break,
        }
    }
    drop(running);
    results
}
