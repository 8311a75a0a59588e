//! Wrong: a hand-made loop that checks the stream and the fetches with `now_or_never` and sleeps 1ms between checks instead of awaiting them, so while it waits for the next id it wakes the runtime a thousand times a second.
//! Caught by: waiting_for_the_next_id_costs_no_wakeups

use std::future::Future;
use std::time::Duration;

use futures::stream::FuturesOrdered;
use futures::{FutureExt, Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut ids = std::pin::pin!(ids.fuse());
    let mut in_flight = FuturesOrdered::new();
    let mut results = Vec::new();
    let mut stream_done = false;
    loop {
        // Take every id that is there, while there is room.
        while !stream_done && in_flight.len() < limit {
            match ids.next().now_or_never() {
                Some(Some(id)) => in_flight.push_back(fetch(id)),
                Some(None) => stream_done = true,
                None => break,
            }
        }
        // Hand on every result that is ready.
        while let Some(Some(value)) = in_flight.next().now_or_never() {
            results.push(value);
        }
        if stream_done && in_flight.is_empty() {
            return results;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
