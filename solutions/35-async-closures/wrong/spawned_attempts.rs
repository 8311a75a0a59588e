//! Wrong: runs each attempt as a spawned task (old-style bounds with `Send + 'static`) and awaits its handle: a borrowing closure cannot be spawned, and when the caller gives up, the attempt in flight keeps running in its task.
//! Caught by: callers_can_pass_async_closures_that_borrow, dropping_retry_stops_the_attempt_in_flight

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F, Fut>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut attempt = 1;
    let mut delay = first_delay;
    loop {
        match tokio::spawn(op(attempt))
            .await
            .expect("the attempt panicked")
        {
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
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
