//! Wrong: for lists longer than 64 ids, `all` switches to FuturesUnordered and returns the results in completion order instead of the order of ids.
//! Caught by: all_returns_results_in_the_order_of_ids

use std::future::Future;

use futures::future::{join_all, BoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};

/// Up to this many ids, keep the results in input order.
const ORDERED_UP_TO: usize = 64;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    if ids.len() <= ORDERED_UP_TO {
        return join_all(ids.into_iter().map(|id| fetch(id))).await;
    }
    // Big batches: no bookkeeping, take each answer as it comes.
    ids.into_iter()
        .map(|id| fetch(id))
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await
}
