//! Wrong: fetches in fixed batches of `limit` (chunks + join_all), so each batch waits for its slowest fetch while the other slots sit idle, and on a slow stream a batch waits for `limit` ids before fetching any.
//! Caught by: each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there

use std::future::Future;

use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut results = Vec::new();
    let batches = ids.chunks(limit);
    futures::pin_mut!(batches);
    while let Some(batch) = batches.next().await {
        // The mistake: the next batch only starts when the whole batch is
        // done, even though a slot freed up long before.
        let requests: Vec<Fut> = batch.into_iter().map(&mut fetch).collect();
        results.extend(futures::future::join_all(requests).await);
    }
    results
}
