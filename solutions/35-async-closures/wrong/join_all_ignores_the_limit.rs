//! Wrong: starts every call at once with `join_all` and never looks at `limit`.
//! Caught by: never_more_than_limit_calls_at_once, calls_start_the_moment_a_slot_frees

use std::time::Duration;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let mut attempt = 1;
    let mut delay = first_delay;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= attempts => return Err(error),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

pub async fn map_concurrently<T, O, F>(items: &[T], _limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    futures::future::join_all(items.iter().map(|item| f(item))).await
}
