//! Wrong: takes the ids that are ready with `ready_chunks(limit)` and fetches each chunk with `join_all`, so a chunk waits for its slowest fetch while ids pile up, and later fetches start late.
//! Caught by: each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there

use futures::{Stream, StreamExt};
use std::future::Future;
pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let chunks = ids.ready_chunks(limit);
    futures::pin_mut!(chunks);
    let mut out = Vec::new();
    while let Some(c) = chunks.next().await {
        let fs: Vec<Fut> = c.into_iter().map(&mut fetch).collect();
        out.extend(futures::future::join_all(fs).await);
    }
    out
}
