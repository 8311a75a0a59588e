//! Wrong: asks for `Unpin` on the stream so that `ids.next()` can be called in a `while let` without pinning it; correct for the usual streams, but a stream built from an `async` block (`stream::unfold`, `then`) is not `Unpin` and is refused.
//! Caught by: inputs_need_no_extra_traits

use std::future::Future;

use futures::stream::FuturesOrdered;
use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(
    mut ids: impl Stream<Item = u32> + Unpin,
    limit: usize,
    mut fetch: F,
) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut in_flight = FuturesOrdered::new();
    let mut results = Vec::new();
    let mut more_ids = true;
    while more_ids || !in_flight.is_empty() {
        tokio::select! {
            next = ids.next(), if more_ids && in_flight.len() < limit => match next {
                Some(id) => in_flight.push_back(fetch(id)),
                None => more_ids = false,
            },
            Some(value) = in_flight.next(), if !in_flight.is_empty() => results.push(value),
        }
    }
    results
}
