//! Kata 21: fetch a stream with bounded concurrency.
//!
//! Ids arrive on a [`Stream`] (an async iterator: the next id may take a
//! while to come). For each id, `fetch(id)` returns a future that fetches
//! it. Fetch them concurrently, but never more than `limit` at a time, and
//! return the results in the order the ids arrived.
//!
//! Fill in the `todo!()` below. Read README.md first: it explains streams,
//! `StreamExt::buffered`, and exactly what the tests check.

use std::future::Future;

use futures::Stream;

/// Fetches every id from `ids`, at most `limit` at once, and returns the
/// results in the order of the ids.
///
/// - Fetching starts as soon as the first id arrives: do not wait for the
///   whole stream first (it may be slow, or very long).
/// - At most `limit` fetches are in flight at any moment (`limit` is at
///   least 1).
/// - The result of the n-th id is the n-th element of the returned `Vec`,
///   whichever fetch finishes first.
pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    // Turn the stream of ids into a stream of fetch futures, then let an
    // adapter from `futures::StreamExt` run up to `limit` of them at once
    // and hand the outputs back in input order.
    let _ = (ids, limit, fetch);
    todo!("run at most `limit` fetches at once, results in input order")
}
