//! Wrong: loops with `while let Some(Ok(result)) = set.join_next().await`, so the first JoinError (a job that panicked) ends the loop as if no job were left, and first_ok returns None although a later job succeeds.
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
    while let Some(Ok(result)) = set.join_next().await {
        if let Ok(value) = result {
            return Some(value);
        }
    }
    None
}
