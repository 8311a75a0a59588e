//! Kata 35: take an async closure.
//!
//! `retry` calls its closure again and again, one call at a time, so it
//! asks for `AsyncFnMut`: the closure may change what it captured, and each
//! call's future may borrow the closure. `map_concurrently` keeps several
//! calls in flight at once, so it asks for `AsyncFn`: every call borrows
//! the closure shared, and each call's future may borrow its item.

use std::time::Duration;

use futures::StreamExt;

/// Calls `op(1)`, `op(2)`, … until one returns `Ok`, at most `attempts`
/// times (0 counts as 1), waiting `first_delay`, then twice as long each
/// time, between a failed attempt and the next. Returns the first `Ok`, or
/// the last attempt's error as soon as it fails.
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

/// Calls `f(item)` for every item, at most `limit` calls at a time (0
/// counts as 1), and returns the outputs in the order of `items`.
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
