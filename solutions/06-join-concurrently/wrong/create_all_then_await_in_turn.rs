//! Wrong: `all` creates every fetch future first and then awaits them in turn, believing they already run; futures are lazy, so each only starts when awaited and the fetches still take the sum of their times.
//! Caught by: all_fetches_every_id_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // The mistake: creating a future does not start it. Nothing polls the
    // later futures while the first one is awaited.
    let futures: Vec<_> = ids.into_iter().map(fetch).collect();
    let mut results = Vec::with_capacity(futures.len());
    for future in futures {
        results.push(future.await);
    }
    results
}
