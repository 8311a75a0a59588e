//! Wrong: spawns every job as a task that first takes an owned permit, and awaits the JoinHandles in order; the limit and the order are right, but when the caller drops `run_limited` (a timeout around it), dropping the handles detaches the tasks, which keep running.
//! Caught by: dropping_run_limited_stops_every_job

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Arc::new(Semaphore::new(limit));
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let semaphore = semaphore.clone();
            tokio::spawn(async move {
                let _permit = semaphore.acquire_owned().await.expect("never closed");
                job.await
            })
        })
        .collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("a job panicked"));
    }
    outputs
}
