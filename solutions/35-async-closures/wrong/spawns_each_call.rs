//! Wrong: spawns every call as a task (old-style bounds with `Send + 'static`, a Semaphore to limit them), awaiting the handles in order. A borrowing closure cannot be spawned, so it does not compile for such callers; and when the caller gives up, dropping the handles leaves the calls running.
//! Caught by: callers_can_pass_async_closures_that_borrow, dropping_map_concurrently_stops_every_call

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

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

pub async fn map_concurrently<T, O, F, Fut>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: Fn(&T) -> Fut,
    Fut: Future<Output = O> + Send + 'static,
    O: Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limit.max(1)));
    let mut handles = Vec::with_capacity(items.len());
    for item in items {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let call = f(item);
        handles.push(tokio::spawn(async move {
            let output = call.await;
            drop(permit);
            output
        }));
    }
    let mut outputs = Vec::with_capacity(items.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}
