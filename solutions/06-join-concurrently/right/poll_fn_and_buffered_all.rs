//! Right: `both` as a hand-written join with `poll_fn` (each future polled until it is done, outputs kept aside), and `all` as a stream `buffered` with room for every id at once.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut out_a: Option<u32> = None;
    let mut out_b: Option<u32> = None;
    poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        match (out_a, out_b) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            _ => Poll::Pending,
        }
    })
    .await
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let at_once = ids.len().max(1);
    stream::iter(ids)
        .map(|id| fetch(id))
        .buffered(at_once)
        .collect()
        .await
}
