//! Wrong: runs the fetches with `buffer_unordered` and then sorts the results by id to "restore the order", which only works when the ids arrive sorted.
//! Caught by: results_come_back_in_input_order

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let requests = ids.map(|id| {
        let request = fetch(id);
        async move { (id, request.await) }
    });
    let mut pairs: Vec<(u32, u32)> = requests.buffer_unordered(limit).collect().await;
    pairs.sort_by_key(|(id, _)| *id);
    pairs.into_iter().map(|(_, value)| value).collect()
}
