//! Kata 21: fetch a stream with bounded concurrency (reference solution).
//!
//! A `Stream` is to `Future` what `Iterator` is to a single value: it yields
//! items one by one, and each one may take a while to arrive. Mapping a
//! stream of ids through `fetch` gives a stream of futures: *lazy* ones,
//! which do nothing until polled. `buffered(limit)` is the adapter that
//! polls up to `limit` of those futures at the same time and yields their
//! outputs in the order the futures came in.

use std::future::Future;

use futures::{Stream, StreamExt};

/// Fetches every id from `ids`, at most `limit` at once, and returns the
/// results in the order of the ids.
pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    // `map(fetch)` calls `fetch(id)` as each id arrives and yields the
    // returned future, unstarted. Nothing is fetched by `map` itself.
    //
    // `buffered(limit)` pulls futures from that stream while fewer than
    // `limit` are in its queue, and polls every one it holds, all from this
    // one task: that is the concurrency, and `limit` bounds it. Its queue is
    // a `FuturesOrdered`, so outputs come out in input order. A fetch that
    // finishes early waits in the queue (and keeps its slot) until every
    // fetch before it is done. `buffer_unordered` would yield in
    // completion order instead.
    //
    // Because `buffered` pulls ids lazily, the first fetch starts as soon as
    // the first id arrives, and a slow or endless stream is never collected
    // up front. `collect` then drives the whole pipeline to the end.
    ids.map(fetch).buffered(limit).collect().await
}
