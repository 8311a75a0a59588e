//! Wrong: wraps the search in a 2-minute "safety" timeout and answers None when it fires, although a job still running would have succeeded later.
//! Caught by: returns_at_the_first_success

use std::time::Duration;

use futures::future::BoxFuture;
use tokio::task::JoinSet;

/// Nobody waits longer than this for a replica to answer.
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let search = async {
        while let Some(joined) = set.join_next().await {
            if let Ok(Ok(value)) = joined {
                return Some(value);
            }
        }
        None
    };
    // Returning drops `set`, which aborts whatever is still running.
    tokio::time::timeout(GIVE_UP_AFTER, search).await.unwrap_or(None)
}
