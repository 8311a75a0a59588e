//! Wrong: `both` runs the two futures at the same time but returns their outputs in the order they finish, so a slower first argument ends up second.
//! Caught by: both_keeps_its_arguments_in_order

use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    // The mistake: whichever finishes first is reported first.
    let mut done: FuturesUnordered<_> = [
        Box::pin(a) as std::pin::Pin<Box<dyn Future<Output = u32>>>,
        Box::pin(b),
    ]
    .into_iter()
    .collect();
    let first = done.next().await.unwrap_or_default();
    let second = done.next().await.unwrap_or_default();
    (first, second)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    futures::future::join_all(ids.into_iter().map(fetch)).await
}
