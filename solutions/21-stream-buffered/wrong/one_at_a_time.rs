//! Wrong: uses `then`, which awaits each fetch before pulling the next id, so the fetches run one after the other: ordered and bounded, but never more than one in flight.
//! Caught by: never_more_than_limit_fetches_at_once

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let _ = limit;
    // The mistake: `then` is sequential; there is never more than one fetch
    // in flight.
    ids.then(fetch).collect().await
}
