//! Wrong: collects every fetch future and awaits them all with `join_all`, so every fetch runs at once and `limit` is ignored.
//! Caught by: never_more_than_limit_fetches_at_once

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let _ = limit;
    // The mistake: `join_all` polls every future it is given, all at once.
    let requests: Vec<Fut> = ids.map(fetch).collect().await;
    futures::future::join_all(requests).await
}
