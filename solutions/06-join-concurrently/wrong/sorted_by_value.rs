//! Wrong: `all` collects the fetches as they finish (FuturesUnordered), then sorts the results to "restore the order": sorted by value is the order of the ids only when the values happen to grow with them.
//! Caught by: all_returns_results_in_the_order_of_ids

use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut results: Vec<u32> = ids
        .into_iter()
        .map(fetch)
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await;
    // The mistake: the input order is lost, and sorting does not bring it
    // back.
    results.sort_unstable();
    results
}
