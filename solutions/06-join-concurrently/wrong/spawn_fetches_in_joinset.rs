//! Wrong: `all` runs every fetch as a task of its own in a JoinSet instead of joining the futures in the caller's task: the fetches no longer belong to `all` (and a panicking fetch becomes another panic).
//! Caught by: all_fetches_every_id_at_the_same_time

use std::future::Future;

use futures::future::BoxFuture;
use tokio::task::JoinSet;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    let mut results = vec![0; ids.len()];
    let mut set = JoinSet::new();
    for (index, id) in ids.into_iter().enumerate() {
        let request = fetch(id);
        set.spawn(async move { (index, request.await) });
    }
    while let Some(joined) = set.join_next().await {
        let (index, value) = joined.expect("a fetch panicked");
        results[index] = value;
    }
    results
}
