//! Right: no JoinSet: the jobs are polled in place in a FuturesUnordered, each wrapped in `catch_unwind` so that a panic is just a failure; returning drops the FuturesUnordered and with it every job still running.

use std::panic::AssertUnwindSafe;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut pending: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|job| AssertUnwindSafe(job).catch_unwind())
        .collect();

    loop {
        match pending.next().await {
            Some(Ok(Ok(value))) => break Some(value),
            Some(_) => continue,
            None => break None,
        }
    }
}
