//! Wrong: a hand-made loop that checks the stream and the fetches with `now_or_never` and goes round with `yield_now()` between checks, so it never waits: while no id comes it keeps the thread busy, and on the paused clock time cannot even move on.
//! Caught by: waiting_for_the_next_id_costs_no_wakeups

use std::future::Future;

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
        tokio::task::yield_now().await;
    }
}
