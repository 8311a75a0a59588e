//! Wrong: (written blind, before the tests) computes the wait after attempt n as `first_delay * 2u32.pow(n - 1)`: right for 32 waits, then 2^32 overflows a u32 (a panic in debug builds, a wait of 0 in release) when there are 34 attempts or more.
//! Caught by: many_attempts_keep_doubling

use std::time::Duration;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let attempts = attempts.max(1);
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(v) => return Ok(v),
            Err(e) if attempt >= attempts => return Err(e),
            Err(_) => {
                tokio::time::sleep(first_delay * 2u32.pow(attempt - 1)).await;
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
    let f = &f;
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
