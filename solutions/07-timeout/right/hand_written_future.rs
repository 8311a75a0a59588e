//! Right: with_timeout as a hand-written Future that polls the work, then the timer; first_within through FuturesOrdered, which keeps the input order.

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

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{FuturesOrdered, StreamExt};
use tokio::time::Sleep;

struct Race<F> {
    work: Pin<Box<F>>,
    timer: Pin<Box<Sleep>>,
    limit: Duration,
}

impl<F: Future> Future for Race<F> {
    type Output = Result<F::Output, TimedOut>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Work first: at a tie, its output wins.
        if let Poll::Ready(output) = self.work.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(TimedOut { limit: self.limit })),
            Poll::Pending => Poll::Pending,
        }
    }
}

pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    Race {
        work: Box::pin(f),
        timer: Box::pin(tokio::time::sleep(limit)),
        limit,
    }
    .await
}

pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    let mut ordered = FuturesOrdered::new();
    for op in ops {
        let limit = deadline.saturating_duration_since(Instant::now());
        ordered.push_back(async move { with_timeout(limit, op).await.ok() });
    }
    ordered.collect().await
}
