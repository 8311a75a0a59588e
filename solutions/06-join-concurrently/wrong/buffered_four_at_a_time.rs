//! Wrong: `all` fetches through a stream with `buffered(4)`, in order but at most four at a time, so a longer list takes several rounds instead of the slowest fetch's time.
//! Caught by: all_fetches_every_id_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // The mistake: a limit nobody asked for ("not too many at once").
    stream::iter(ids).map(fetch).buffered(4).collect().await
}
