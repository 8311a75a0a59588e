//! Right: a stream of indexed jobs through `buffer_unordered(limit)` (a slot is free the moment its job ends), then sorted back by index; no Semaphore at all.

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let mut indexed: Vec<(usize, T)> = stream::iter(jobs.into_iter().enumerate())
        .map(|(i, job)| async move { (i, job.await) })
        .buffer_unordered(limit)
        .collect()
        .await;
    indexed.sort_by_key(|pair| pair.0);
    indexed.into_iter().map(|(_, out)| out).collect()
}
