//! Wrong: runs the items in fixed batches of `limit` (`chunks(limit)`, each awaited with `join_all`): a batch waits for its slowest call before the next batch starts, so slots stay empty.
//! Caught by: calls_start_the_moment_a_slot_frees

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

pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    let mut outputs = Vec::with_capacity(items.len());
    for chunk in items.chunks(limit.max(1)) {
        outputs.extend(futures::future::join_all(chunk.iter().map(|item| f(item))).await);
    }
    outputs
}
