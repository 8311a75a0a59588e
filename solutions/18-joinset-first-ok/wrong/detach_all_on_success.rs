//! Wrong: uses a JoinSet, but calls `detach_all()` before returning the first success ("let the others finish on their own"), which turns the losers into detached tasks that keep running instead of aborting them.
//! Caught by: the_other_jobs_are_aborted_once_one_succeeds

use futures::future::BoxFuture;
use tokio::task::JoinSet;
pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set = JoinSet::new();
    for j in jobs {
        set.spawn(j);
    }
    while let Some(r) = set.join_next().await {
        if let Ok(Ok(v)) = r {
            set.detach_all();
            return Some(v);
        }
    }
    None
}
