//! Wrong: collects every job's result before answering, so it returns the first success only when the slowest job is done (and never, if a job never finishes).
//! Caught by: returns_at_the_first_success, the_other_jobs_are_aborted_once_one_succeeds

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
    // The mistake: the first success is remembered, but the loop goes on
    // until every job has finished.
    let mut first = None;
    while let Some(joined) = set.join_next().await {
        if let Ok(Ok(value)) = joined {
            first.get_or_insert(value);
        }
    }
    first
}
