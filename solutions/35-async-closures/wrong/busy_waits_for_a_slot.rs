//! Wrong: counts the calls in flight in a Cell and, when `limit` are running, waits for a free slot with `yield_now()` in a loop: it never sleeps, so on the paused clock time cannot move while it spins.
//! Caught by: calls_start_the_moment_a_slot_frees

use std::cell::Cell;
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
    let running = Cell::new(0);
    let (running, f) = (&running, &f);
    let limit = limit.max(1);
    futures::future::join_all(items.iter().map(|item| async move {
        while running.get() >= limit {
            tokio::task::yield_now().await;
        }
        running.set(running.get() + 1);
        let output = f(item).await;
        running.set(running.get() - 1);
        output
    }))
    .await
}
