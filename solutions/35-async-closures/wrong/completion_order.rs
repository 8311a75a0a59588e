//! Wrong: keeps a window of `limit` calls in a FuturesUnordered and pushes each output as it arrives: the outputs come back in the order the calls finished, not the order of the items.
//! Caught by: outputs_come_back_in_the_order_of_the_items

use std::time::Duration;

use futures::stream::FuturesUnordered;
use futures::StreamExt;

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
    let mut running = FuturesUnordered::new();
    let mut rest = items.iter();
    for item in rest.by_ref().take(limit.max(1)) {
        running.push(f(item));
    }
    let mut outputs = Vec::with_capacity(items.len());
    while let Some(output) = running.next().await {
        outputs.push(output);
        if let Some(item) = rest.next() {
            running.push(f(item));
        }
    }
    outputs
}
