//! Wrong: asks for `AsyncFnMut` and awaits each call before starting the next: no two calls ever overlap, whatever the limit.
//! Caught by: calls_start_the_moment_a_slot_frees, never_more_than_limit_calls_at_once

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

pub async fn map_concurrently<T, O, F>(items: &[T], _limit: usize, mut f: F) -> Vec<O>
where
    F: AsyncFnMut(&T) -> O,
{
    let mut outputs = Vec::with_capacity(items.len());
    for item in items {
        outputs.push(f(item).await);
    }
    outputs
}
