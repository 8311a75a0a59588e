//! Wrong: returns the first job to finish, whether it succeeded or not, so an early failure hides a later success.
//! Caught by: returns_at_the_first_success, all_failures_give_none_when_the_last_one_fails

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
    // The mistake: the first result is taken as the answer, error or not.
    match set.join_next().await {
        Some(Ok(result)) => result.ok(),
        _ => None,
    }
}
