//! Right: `futures::future::join` for the pair, and a `FuturesOrdered` stream (concurrent, yields in input order) collected for the list.

use std::future::Future;

use futures::future::{join, BoxFuture};
use futures::stream::{FuturesOrdered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    join(a, b).await
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut ordered = FuturesOrdered::new();
    for id in ids {
        ordered.push_back(fetch(id));
    }
    ordered.collect().await
}
