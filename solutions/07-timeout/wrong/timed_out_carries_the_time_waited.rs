//! Wrong: on a timeout, TimedOut carries the time actually waited (start.elapsed()) instead of the limit, which differs when the limit has a sub-millisecond part.
//! Caught by: the_error_carries_the_limit_even_when_it_is_not_whole_milliseconds

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::{join_all, BoxFuture};
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
    let started = Instant::now();
    tokio::select! {
        biased;
        output = f => Ok(output),
        // Report how long we actually gave it.
        () = tokio::time::sleep(limit) => Err(TimedOut { limit: started.elapsed() }),
    }
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    join_all(
        ops.into_iter()
            .map(|op| async move { tokio::time::timeout_at(deadline, op).await.ok() }),
    )
    .await
}
