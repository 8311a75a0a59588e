//! Wrong: `both` races the two futures with select! and returns as soon as one finishes, with a placeholder for the other: select! waits for the first, join! for all.
//! Caught by: both_waits_for_the_two_futures_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    // The mistake: the wrong macro. The loser is dropped unfinished.
    tokio::select! {
        first = a => (first, 0),
        second = b => (0, second),
    }
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    futures::future::join_all(ids.into_iter().map(fetch)).await
}
