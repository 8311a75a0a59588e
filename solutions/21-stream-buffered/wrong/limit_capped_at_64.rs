//! Wrong: caps the concurrency at 64 whatever `limit` the caller asked for, so with a larger limit and more ids fetches start late.
//! Caught by: never_more_than_limit_fetches_at_once_with_a_large_limit

use std::future::Future;

use futures::{Stream, StreamExt};

/// More requests in flight than this never made anything faster.
const MAX_IN_FLIGHT: usize = 64;

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    ids.map(fetch)
        .buffered(limit.min(MAX_IN_FLIGHT))
        .collect()
        .await
}
