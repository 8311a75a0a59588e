//! Kata 06: join futures concurrently (reference solution).

use std::future::Future;

use futures::future::BoxFuture;

/// Awaits `a` and `b` at the same time and returns both outputs, `a`'s
/// first.
pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    // `join!` pins both futures here and, every time this task is woken,
    // polls each one that is not finished yet. Both timers are therefore
    // registered on the first poll and run down together: the slower one
    // decides. The outputs come back in the order written, not the order
    // they finished. No task is spawned, so `a` and `b` need neither `Send`
    // nor `'static`.
    tokio::join!(a, b)
}

/// Fetches every id at the same time and returns the results in the order
/// of `ids`.
pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // Calling `fetch` only *creates* the futures (they are lazy); `join_all`
    // then polls all of them from this task, like `join!` for a list, and
    // resolves to their outputs in input order once the last is done.
    // (`FuturesUnordered` would be just as concurrent, but yields outputs in
    // the order they *finish*, which is not what `all` promises.)
    futures::future::join_all(ids.into_iter().map(fetch)).await
}
