//! Right: `map_concurrently` keeps its own window, a FuturesUnordered of (index, call) refilled as each call finishes, and puts every output back at its item's index; `retry` counts down the attempts left with `while`.

use std::time::Duration;

use futures::stream::FuturesUnordered;
use futures::StreamExt;

pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, mut op: F) -> Result<T, E>
where
    F: AsyncFnMut(u32) -> Result<T, E>,
{
    let mut left = attempts.max(1);
    let mut attempt = 0;
    let mut delay = first_delay;
    loop {
        attempt += 1;
        left -= 1;
        let result = op(attempt).await;
        if result.is_ok() || left == 0 {
            return result;
        }
        tokio::time::sleep(delay).await;
        delay += delay;
    }
}

pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    F: AsyncFn(&T) -> O,
{
    let f = &f;
    let call = |index: usize| async move { (index, f(&items[index]).await) };
    let mut outputs: Vec<Option<O>> = items.iter().map(|_| None).collect();
    let mut running = FuturesUnordered::new();
    let mut next = 0;
    while next < items.len() && running.len() < limit.max(1) {
        running.push(call(next));
        next += 1;
    }
    while let Some((index, output)) = running.next().await {
        outputs[index] = Some(output);
        if next < items.len() {
            running.push(call(next));
            next += 1;
        }
    }
    outputs
        .into_iter()
        .map(|output| output.expect("every item was called"))
        .collect()
}
