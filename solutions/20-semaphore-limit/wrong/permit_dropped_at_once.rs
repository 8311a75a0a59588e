//! Wrong: acquires a permit with `let _ = semaphore.acquire().await`, which drops the permit on the spot (a `_` pattern binds nothing), so the permit comes straight back and every job runs at once.
//! Caught by: never_more_than_limit_jobs_run_at_once

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Semaphore::new(limit);
    let semaphore = &semaphore;
    let runs = jobs.into_iter().map(|job| async move {
        // The mistake: `let _ =` does not keep the guard. It is dropped at
        // the end of this statement, before the job even starts.
        let _ = semaphore
            .acquire()
            .await
            .expect("the semaphore is never closed");
        job.await
    });
    futures::future::join_all(runs).await
}
