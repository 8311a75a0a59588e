//! Wrong: a `for` loop that sleeps after every failure, the last one included, and only then gives up: the caller waits a whole extra backoff for an error that was already known.
//! Caught by: gives_up_with_the_last_error_right_after_the_last_attempt, zero_attempts_still_make_one_attempt

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let mut last = None;
    for attempt in 1..=attempts.max(1) {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) => {
                last = Some(error);
                tokio::time::sleep(first_delay * 2u32.pow(attempt - 1)).await;
            }
        }
    }
    Err(last.expect("at least one attempt was made"))
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
