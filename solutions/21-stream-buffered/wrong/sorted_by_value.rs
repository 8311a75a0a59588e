//! Wrong: runs the fetches with `buffer_unordered` and sorts the results, as if the results of later ids were always larger: the order of the stream is lost.
//! Caught by: results_come_back_in_input_order

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut results: Vec<u32> = ids.map(fetch).buffer_unordered(limit).collect().await;
    results.sort_unstable();
    results
}
