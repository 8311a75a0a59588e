//! Right: futures::future::select for the timeout, and first_within as one select! loop over a FuturesUnordered and a single deadline timer, filling slots by index.

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

use futures::future::Either;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    let work = std::pin::pin!(f);
    let timer = std::pin::pin!(tokio::time::sleep(limit));
    // `select` polls its first argument first.
    match futures::future::select(work, timer).await {
        Either::Left((output, _timer)) => Ok(output),
        Either::Right(((), _work)) => Err(TimedOut { limit }),
    }
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let mut slots: Vec<Option<T>> = Vec::new();
    let mut running = FuturesUnordered::new();
    for (index, op) in ops.into_iter().enumerate() {
        slots.push(None);
        running.push(async move { (index, op.await) });
    }

    let timer = tokio::time::sleep_until(deadline);
    tokio::pin!(timer);
    loop {
        tokio::select! {
            biased;
            next = running.next() => match next {
                Some((index, output)) => slots[index] = Some(output),
                None => break,
            },
            () = &mut timer => break,
        }
    }
    // Whatever is still in `running` is dropped here, before returning.
    drop(running);
    slots
}
