//! Wrong: uses `buffer_unordered`, which keeps the limit but yields each result as soon as its fetch finishes, so the results come back in completion order instead of the order of the ids.
//! Caught by: results_come_back_in_input_order

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    // The mistake: completion order, not input order.
    ids.map(fetch).buffer_unordered(limit).collect().await
}
