//! Wrong: `all` spawns every fetch as a task and awaits the handles in order: concurrent and in order, but the fetches no longer belong to `all`, so when its caller gives up (drops it) they keep running.
//! Caught by: dropping_all_drops_every_fetch

use std::future::Future;

use futures::future::BoxFuture;

pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    tokio::join!(a, b)
}

pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // The mistake: tasks where joining in this task was enough. Dropping a
    // JoinHandle does not stop its task.
    let handles: Vec<_> = ids.into_iter().map(|id| tokio::spawn(fetch(id))).collect();
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.expect("a fetch panicked"));
    }
    results
}
