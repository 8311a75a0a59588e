//! Wrong: `all` runs the fetches unordered, remembers each result in a map keyed by id, and reads the map in the order of `ids`: a repeated id gets the same (last) result in every place, and one of its fetches' results is lost.
//! Caught by: all_returns_results_in_the_order_of_ids

use std::collections::HashMap;
use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut running: FuturesUnordered<_> = ids
        .iter()
        .map(|&id| {
            let fetching = fetch(id);
            async move { (id, fetching.await) }
        })
        .collect();
    // The mistake: an id is not a position. Two fetches of one id land in
    // the same entry.
    let mut by_id = HashMap::new();
    while let Some((id, value)) = running.next().await {
        by_id.insert(id, value);
    }
    ids.iter().map(|id| by_id[id]).collect()
}
