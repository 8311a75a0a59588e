//! Wrong: doubles the delay before sleeping instead of after, so the waits are 2d, 4d, 8d… instead of d, 2d, 4d…
//! Caught by: waits_double_each_time_after_a_failure

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let mut delay = first_delay;
    let mut attempt = 1;
    loop {
        let result = op(attempt).await;
        if result.is_ok() || attempt >= attempts {
            return result;
        }
        delay *= 2;
        tokio::time::sleep(delay).await;
        attempt += 1;
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
