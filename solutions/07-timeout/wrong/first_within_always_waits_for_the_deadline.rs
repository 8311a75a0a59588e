//! Wrong: first_within races the ops concurrently, then sleeps until the deadline before returning, even when every op finished long before it.
//! Caught by: first_within_returns_early_when_every_op_is_done

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

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let results = std::sync::Mutex::new(Vec::new());
    let races = ops.into_iter().enumerate().map(|(index, op)| {
        let results = &results;
        async move {
            if let Ok(output) = tokio::time::timeout_at(deadline, op).await {
                results.lock().unwrap().push((index, output));
            }
        }
    });
    let n = races.len();
    // The mistake: the deadline is awaited unconditionally, alongside the
    // ops, so nothing returns before it.
    tokio::join!(
        futures::future::join_all(races),
        tokio::time::sleep_until(deadline)
    );
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (index, output) in results.into_inner().unwrap() {
        slots[index] = Some(output);
    }
    slots
}
