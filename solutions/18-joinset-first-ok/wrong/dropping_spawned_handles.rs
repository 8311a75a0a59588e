//! Wrong: spawns the jobs with `tokio::spawn` and returns the first success, simply dropping the other JoinHandles; dropping a handle detaches its task instead of cancelling it, so the slower jobs keep running in the background.
//! Caught by: the_other_jobs_are_aborted_once_one_succeeds

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    // Completion order is right (FuturesUnordered yields the handles as
    // their tasks finish), but...
    let mut handles: FuturesUnordered<_> = jobs.into_iter().map(tokio::spawn).collect();
    while let Some(joined) = handles.next().await {
        if let Ok(Ok(value)) = joined {
            // The mistake: returning drops `handles`, which only detaches
            // the tasks. Nothing aborts them.
            return Some(value);
        }
    }
    None
}
