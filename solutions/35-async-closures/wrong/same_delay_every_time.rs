//! Wrong: waits `first_delay` between every two attempts, never doubling it: a constant backoff.
//! Caught by: waits_double_each_time_after_a_failure

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= attempts => return Err(error),
            Err(_) => {
                tokio::time::sleep(first_delay).await;
                attempt += 1;
            }
        }
    }
}

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
