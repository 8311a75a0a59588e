//! Wrong: awaits the futures one after the other (the starter code), so each starts only when the previous one is done: they take the sum of their times, not the longest.
//! Caught by: both_waits_for_the_two_futures_at_the_same_time, all_fetches_every_id_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    let first = a.await;
    let second = b.await;
    (first, second)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(fetch(id).await);
    }
    results
}
