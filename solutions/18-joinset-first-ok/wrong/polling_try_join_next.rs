//! Wrong: checks the JoinSet with `try_join_next()` every 10ms instead of awaiting `join_next()`, so while the jobs run it wakes the runtime a hundred times a second.
//! Caught by: waiting_for_the_jobs_costs_no_wakeups

use std::time::Duration;

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
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
