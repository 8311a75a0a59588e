//! Wrong: spawns every job at once and only takes a permit around awaiting each JoinHandle, which limits nothing: a spawned task starts running the moment it is spawned, so every job runs at the same time.
//! Caught by: never_more_than_limit_jobs_run_at_once

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        set.spawn(async move { (index, job.await) });
    }
    let mut outputs: Vec<(usize, T)> = Vec::new();
    loop {
        let _permit = semaphore.acquire().await.expect("never closed");
        match set.join_next().await {
            Some(joined) => outputs.push(joined.expect("a job panicked")),
            None => break,
        }
    }
    outputs.sort_by_key(|(index, _)| *index);
    outputs.into_iter().map(|(_, output)| output).collect()
}
