//! Wrong: limits the calls with `Semaphore::new(limit)` and `join_all`, passing a limit of 0 on as is: with no permit, no call ever starts.
//! Caught by: a_zero_limit_runs_one_call_at_a_time

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

pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    let permits = Semaphore::new(limit);
    let (permits, f) = (&permits, &f);
    futures::future::join_all(items.iter().map(|item| async move {
        let _permit = permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        f(item).await
    }))
    .await
}
