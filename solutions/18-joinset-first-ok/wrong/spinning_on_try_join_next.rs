//! Wrong: checks the JoinSet with `try_join_next()` in a loop around `yield_now()` instead of awaiting `join_next()`, so it never waits: it keeps the thread busy while the jobs run, and on the paused clock time cannot even move on.
//! Caught by: waiting_for_the_jobs_costs_no_wakeups

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
    loop {
        while let Some(joined) = set.try_join_next() {
            if let Ok(Ok(value)) = joined {
                return Some(value);
            }
        }
        if set.is_empty() {
            return None;
        }
        tokio::task::yield_now().await;
    }
}
