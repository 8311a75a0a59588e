//! Wrong: spawns each fetch as a task as its id is pulled and buffers the JoinHandles with `buffered(limit)`; limit and order hold, but when the caller drops `fetch_all` the handles are dropped and the spawned fetches keep running (and `fetch` must now be `Send + 'static`).
//! Caught by: dropping_fetch_all_stops_every_fetch

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32> + Send + 'static,
{
    ids.map(|id| tokio::spawn(fetch(id)))
        .buffered(limit)
        .map(|joined| joined.expect("a fetch panicked"))
        .collect()
        .await
}
