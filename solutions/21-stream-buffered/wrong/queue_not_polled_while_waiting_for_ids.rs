//! Wrong: a hand-made queue: it pushes each fetch into a FuturesOrdered as its id arrives and only awaits the queue once it is full, so while it waits for the next id the fetches in the queue are not polled and have not even started.
//! Caught by: each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there

use std::future::Future;

use futures::stream::FuturesOrdered;
use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut ids = std::pin::pin!(ids);
    let mut in_flight = FuturesOrdered::new();
    let mut results = Vec::new();
    while let Some(id) = ids.next().await {
        in_flight.push_back(fetch(id));
        if in_flight.len() == limit {
            if let Some(value) = in_flight.next().await {
                results.push(value);
            }
        }
    }
    while let Some(value) = in_flight.next().await {
        results.push(value);
    }
    results
}
