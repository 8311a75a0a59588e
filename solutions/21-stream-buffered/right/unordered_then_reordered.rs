//! Right: `buffer_unordered(limit)` over (position, fetch) pairs, then each result put back at its position: a slot is freed as soon as its fetch ends, and the order of the stream is restored by position, not by id or value.

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let tagged = ids.enumerate().map(|(position, id)| {
        let request = fetch(id);
        async move { (position, request.await) }
    });
    let finished: Vec<(usize, u32)> = tagged.buffer_unordered(limit).collect().await;

    let mut ordered = vec![0; finished.len()];
    for (position, value) in finished {
        ordered[position] = value;
    }
    ordered
}
