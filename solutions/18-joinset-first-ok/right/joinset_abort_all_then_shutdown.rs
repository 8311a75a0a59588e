//! Right: a JoinSet read in a `loop` with an explicit `match` on `join_next()`, and on success an explicit `shutdown().await` (abort every other task and wait until they are gone) before answering.

use futures::future::BoxFuture;
use tokio::task::JoinSet;

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set: JoinSet<Result<T, E>> = jobs.into_iter().collect();

    let winner = loop {
        match set.join_next().await {
            None => break None,
            Some(Err(_panicked)) => {}
            Some(Ok(Err(_failed))) => {}
            Some(Ok(Ok(value))) => break Some(value),
        }
    };
    set.shutdown().await;
    winner
}
