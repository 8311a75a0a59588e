//! Wrong: no tasks at all: the fetches are polled from gather's own task in a FuturesUnordered (with catch_unwind for panics), so nothing runs in parallel.
//! Caught by: each_fetch_runs_in_its_own_task

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};

pub type Fetcher = Arc<dyn Fn(u32) -> BoxFuture<'static, Option<u32>> + Send + Sync>;

pub async fn gather(ids: Vec<u32>, fetch: Fetcher) -> Vec<u32> {
    // Tasks and channels are overkill: poll every fetch from here and take
    // the answers in the order they complete.
    let mut pending: FuturesUnordered<_> = ids
        .into_iter()
        .map(|id| AssertUnwindSafe(fetch(id)).catch_unwind())
        .collect();
    let mut values = Vec::new();
    while let Some(outcome) = pending.next().await {
        if let Ok(Some(value)) = outcome {
            values.push(value);
        }
    }
    values
}
