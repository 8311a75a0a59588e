//! Wrong: `all` caps the fetches in flight at 256 (StreamExt::buffered), so with more ids the later fetches only start when earlier ones finish.
//! Caught by: all_fetches_every_id_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

/// Never more requests than this in flight at once.
const MAX_IN_FLIGHT: usize = 256;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    stream::iter(ids)
        .map(|id| fetch(id))
        .buffered(MAX_IN_FLIGHT)
        .collect()
        .await
}
