//! Wrong: collects the whole stream of ids into a Vec before fetching anything, so with a slow stream the first fetch only starts after the last id has arrived.
//! Caught by: each_fetch_starts_as_soon_as_its_id_and_a_slot_are_there

use std::future::Future;

use futures::{stream, Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    // The mistake: this waits for the end of the stream, which may be far
    // away (or never come).
    let ids: Vec<u32> = ids.collect().await;
    stream::iter(ids).map(fetch).buffered(limit).collect().await
}
