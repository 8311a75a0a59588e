//! Wrong: first_within collects the outputs as the ops finish (FuturesUnordered) and pads with None, so the entries come back in completion order, not in the order of the ops.
//! Caught by: first_within_returns_at_the_shared_deadline, first_within_keeps_what_finished_by_the_deadline_in_input_order

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
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
    let n = ops.len();
    let mut running: FuturesUnordered<_> = ops
        .into_iter()
        .map(|op| tokio::time::timeout_at(deadline, op))
        .collect();
    // The mistake: the position of each op is lost; whatever finishes first
    // comes first.
    let mut results = Vec::with_capacity(n);
    while let Some(outcome) = running.next().await {
        if let Ok(output) = outcome {
            results.push(Some(output));
        }
    }
    results.resize_with(n, || None);
    results
}
