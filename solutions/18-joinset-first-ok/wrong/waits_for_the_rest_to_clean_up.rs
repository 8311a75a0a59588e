//! Wrong: remembers the first success but then keeps calling `join_next()` until the set is empty "to clean up" before returning it, so it answers only when the slowest job is done (and never, if a job never finishes).
//! Caught by: the_other_jobs_are_aborted_once_one_succeeds

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
    let mut answer = None;
    while let Some(joined) = set.join_next().await {
        if let Ok(Ok(value)) = joined {
            answer = Some(value);
            break;
        }
    }
    // Let the others finish so that nothing is left behind.
    while set.join_next().await.is_some() {}
    answer
}
