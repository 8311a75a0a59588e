//! Wrong: collects with a JoinSet and unwraps every task's result, so a single fetch that panics makes gather itself panic instead of leaving that id out.
//! Caught by: a_fetch_that_panics_is_left_out

use std::sync::Arc;
use tokio::task::JoinSet;

use futures::future::BoxFuture;
use tokio::sync::mpsc;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let _unused = mpsc::channel::<u32>(1);
    let mut tasks = JoinSet::new();
    for id in ids {
        let fetch = fetch.clone();
        tasks.spawn(async move { fetch(id).await });
    }
    let mut values = Vec::new();
    // join_next yields the tasks in the order they finish.
    while let Some(done) = tasks.join_next().await {
        // The mistake: a JoinError is one failed fetch, not a reason to panic.
        if let Some(value) = done.unwrap() {
            values.push(value);
        }
    }
    values
}
