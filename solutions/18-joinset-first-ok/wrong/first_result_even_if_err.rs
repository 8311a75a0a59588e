//! Wrong: returns the first job to finish, whether it succeeded or not, so an early failure hides a later success (None at 10ms instead of Some(7) at 300ms).
//! Caught by: failures_are_skipped_until_a_success

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
