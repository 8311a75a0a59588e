//! Right: `buffered(limit)` on the mapped stream, pinned on the stack and drained with a `while let` loop instead of `collect`, with the mapping written as a named helper.

use std::future::Future;
use std::pin::pin;

use futures::{Stream, StreamExt};

fn requests<F, Fut>(ids: impl Stream<Item = u32>, fetch: F) -> impl Stream<Item = Fut>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    ids.map(fetch)
}

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut responses = pin!(requests(ids, fetch).buffered(limit));
    let mut results = Vec::new();
    while let Some(response) = responses.next().await {
        results.push(response);
    }
    results
}
