//! Wrong: `retry` asks for `AsyncFn` where `AsyncFnMut` is enough: it calls one attempt at a time, yet a caller's closure that changes what it captured (counts its attempts, logs them) is refused.
//! Caught by: callers_can_pass_async_closures_that_borrow

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, op: F) -> Result<T, E>
where
    F: AsyncFn(u32) -> Result<T, E>,
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

/// Calls `f(item)` for every item, at most `limit` calls at a time (0
/// counts as 1), and returns the outputs in the order of `items`.
pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
