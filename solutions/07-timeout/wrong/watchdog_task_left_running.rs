//! Wrong: starts the timer in a spawned watchdog task that signals over a oneshot; when the work wins, the watchdog is not stopped and keeps sleeping in the background until the limit.
//! Caught by: a_fast_future_is_ok_as_soon_as_it_finishes

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
    let (expired_tx, expired_rx) = tokio::sync::oneshot::channel::<()>();
    // The mistake: nobody stops this task when `f` wins. It sleeps on until
    // the limit, for nothing.
    tokio::spawn(async move {
        tokio::time::sleep(limit).await;
        let _ = expired_tx.send(());
    });
    tokio::select! {
        biased;
        output = f => Ok(output),
        _ = expired_rx => Err(TimedOut { limit }),
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
