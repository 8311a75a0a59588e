//! Wrong: asks for `Send` and `Sync` of the closures, the items and the outputs ("concurrent code must be thread-safe"). Nothing is spawned, so nothing needs them, and a caller whose closure uses an `Rc` or a `RefCell` is refused.
//! Caught by: callers_can_pass_async_closures_that_borrow

use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E> + Send,
    T: Send,
    E: Send,
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
    F: AsyncFn(&T) -> O + Send + Sync,
    T: Sync,
    O: Send,
{
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
