//! Wrong: runs every job at once with `join_all` and ignores `limit`, so every job runs at the same time (a peak of n where `limit` are allowed).
//! Caught by: never_more_than_limit_jobs_run_at_once

use futures::future::BoxFuture;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    _limit: usize,
) -> Vec<T> {
    // The mistake: concurrent, but unbounded.
    futures::future::join_all(jobs).await
}
