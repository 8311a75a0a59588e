//! Right: a manual `select!` loop over the two pinned futures (each branch disabled once done), and FuturesUnordered over (index, value) pairs put back by index.

use std::future::Future;
use std::pin::pin;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut first = None;
    let mut second = None;
    while first.is_none() || second.is_none() {
        tokio::select! {
            value = &mut a, if first.is_none() => first = Some(value),
            value = &mut b, if second.is_none() => second = Some(value),
        }
    }
    (first.unwrap(), second.unwrap())
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut slots = vec![0; ids.len()];
    let mut running: FuturesUnordered<_> = ids
        .into_iter()
        .enumerate()
        .map(|(index, id)| {
            let fut = fetch(id);
            async move { (index, fut.await) }
        })
        .collect();
    while let Some((index, value)) = running.next().await {
        slots[index] = value;
    }
    slots
}
