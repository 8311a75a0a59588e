//! Wrong: tells the op its attempt number counting from 0 (`for attempt in 0..attempts`), so the op's first attempt is "attempt 0" and its log and messages are off by one.
//! Caught by: attempts_are_numbered_from_one_until_the_first_ok

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let attempts = attempts.max(1);
    let mut delay = first_delay;
    let mut attempt = 0;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt + 1 >= attempts => return Err(error),
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
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
