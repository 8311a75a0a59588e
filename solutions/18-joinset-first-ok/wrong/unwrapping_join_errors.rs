//! Wrong: unwraps the JoinError from `join_next()`, so a job that panics re-raises its panic in the caller instead of counting as a failed job.
//! Caught by: a_panicking_job_counts_as_a_failure

use futures::future::BoxFuture;
use tokio::task::JoinSet;

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    while let Some(joined) = set.join_next().await {
        // The mistake: `Err(JoinError)` means the task panicked; unwrapping
        // it panics here, with the job's panic.
        if let Ok(value) = joined.unwrap() {
            return Some(value);
        }
    }
    None
}
