//! Right: a manual loop with `futures::select!` over the fused stream and a FuturesOrdered, draining the queue whenever it holds `limit` fetches.

use futures::{stream::FuturesOrdered, Stream, StreamExt};
use std::future::Future;
pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    // futures::select! style manual loop
    let mut ids = Box::pin(ids.fuse());
    let mut q = FuturesOrdered::new();
    let mut out = Vec::new();
    let mut done = false;
    loop {
        if done && q.is_empty() {
            break;
        }
        futures::select! {
            v = q.select_next_some() => out.push(v),
            id = ids.next() => match id {
                Some(id) => q.push_back(fetch(id)),
                None => done = true,
            },
            complete => break,
        }
        while q.len() >= limit {
            if let Some(v) = q.next().await {
                out.push(v);
            }
        }
    }
    out
}
