//! Right: no channel at all; each task returns its value and a JoinSet hands them back in the order they finish (`join_next`), skipping failed tasks.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::task::JoinSet;

/// Fetches one id: `Some(value)`, or `None` if there is no such id.
pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    let mut set: JoinSet<Option<u32>> = ids
        .into_iter()
        .map(|id| {
            let fetch = fetch.clone();
            async move { fetch(id).await }
        })
        .collect();

    let mut found = Vec::new();
    while let Some(finished) = set.join_next().await {
        // Err: the fetch panicked. Ok(None): not found. Both send nothing.
        if let Ok(Some(value)) = finished {
            found.push(value);
        }
    }
    found
}
