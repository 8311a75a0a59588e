//! Wrong: the bounds of before async closures, `F: FnMut(u32) -> Fut` and `F: Fn(&T) -> Fut` with `Fut: Future`: a closure whose future borrows from the closure (it pushes to a captured Vec) or from its argument (the item) does not compile, although everything else works.
//! Caught by: callers_can_pass_async_closures_that_borrow

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;

pub async fn retry<T, E, F, Fut>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
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

pub async fn map_concurrently<T, O, F, Fut>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: Fn(&T) -> Fut,
    Fut: Future<Output = O>,
{
    futures::stream::iter(items)
        .map(|item| f(item))
        .buffered(limit.max(1))
        .collect()
        .await
}
