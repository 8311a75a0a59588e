//! Wrong: `all` collects the fetches through FuturesUnordered, which runs them at the same time but yields results in the order they finish, not in the order of the ids.
//! Caught by: all_returns_results_in_the_order_of_ids

use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // The mistake: completion order. The fastest fetch comes out first.
    ids.into_iter()
        .map(fetch)
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await
}
