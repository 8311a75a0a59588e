//! Wrong: (written blind, before the tests) calls `f(item)` for every item up front, collects the futures, then polls them `limit` at a time with `buffered`: the calls' futures start on time, but whatever a closure does when it is called (spawn, connect) happens for every item at once.
//! Caught by: calls_start_the_moment_a_slot_frees

use std::time::Duration;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let attempts = attempts.max(1);
    let mut delay = first_delay;
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(v) => return Ok(v),
            Err(e) if attempt >= attempts => return Err(e),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    use futures::StreamExt;
    let futures: Vec<_> = items.iter().map(|item| f(item)).collect();
    futures::stream::iter(futures)
        .buffered(limit.max(1))
        .collect()
        .await
}
