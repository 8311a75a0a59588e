//! Right: `retry` as a `for` loop over the attempt numbers with the delay doubled after each wait (computing `first_delay * 2u32.pow(n - 1)` instead overflows from the 33rd wait: see wrong/delay_as_a_u32_power.rs); `map_concurrently` with `join_all` over all the items, each call waiting for a permit of a tokio Semaphore (fair, so calls start in the order of the items).

use std::time::Duration;

use tokio::sync::Semaphore;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let last = attempts.max(1);
    let mut delay = first_delay;
    for attempt in 1..last {
        if let Ok(value) = op(attempt).await {
            return Ok(value);
        }
        tokio::time::sleep(delay).await;
        delay *= 2;
    }
    op(last).await
}

pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    let permits = Semaphore::new(limit.max(1));
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
