//! Wrong: `both` checks the two futures in a loop (`now_or_never`) and sleeps 10ms between checks instead of awaiting them: it returns up to 10ms late, and wakes the runtime a hundred times a second while it waits.
//! Caught by: both_sleeps_while_it_waits, both_waits_for_the_two_futures_at_the_same_time

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut first, mut second) = (None, None);
    // The mistake: checking on a timer, as one would poll a flag.
    loop {
        if first.is_none() {
            first = a.as_mut().now_or_never();
        }
        if second.is_none() {
            second = b.as_mut().now_or_never();
        }
        if let (Some(x), Some(y)) = (first, second) {
            return (x, y);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    futures::future::join_all(ids.into_iter().map(fetch)).await
}
