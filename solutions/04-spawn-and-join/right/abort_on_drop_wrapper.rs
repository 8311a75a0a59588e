//! Right: each JoinHandle wrapped in a small future that aborts its task when dropped, awaited one by one in a plain `for` loop.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use tokio::task::{JoinError, JoinHandle};

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

/// A JoinHandle that aborts its task when dropped.
struct Owned(JoinHandle<u64>);

impl Future for Owned {
    type Output = Result<u64, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut owned = Vec::new();
    for job in jobs {
        owned.push(Owned(tokio::spawn(job)));
    }
    let mut out = Vec::new();
    for task in owned {
        let result = match task.await {
            Ok(value) => Ok(value),
            Err(e) if e.is_panic() => {
                let payload = e.into_panic();
                let message = payload
                    .downcast_ref::<&'static str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(JobFailure::Panicked(message))
            }
            Err(_) => Err(JobFailure::Cancelled),
        };
        out.push(result);
    }
    out
}
