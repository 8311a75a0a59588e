//! Kata 06: join futures concurrently.
//!
//! This code compiles and returns the right values, but slowly: both
//! functions await their futures one after the other, so each one only
//! starts once the previous one is done. Two 1s waits take 2s; ten take 10s.
//!
//! Fix them so that all the futures are awaited at the same time, from this
//! one task, and the results still come back in the order of the inputs.
//! Read README.md first: it explains why, how, and what the tests check.

use std::future::Future;

use futures::future::BoxFuture;

/// Awaits `a` and `b` at the same time and returns both outputs, `a`'s
/// first. Takes as long as the slower of the two.
pub async fn both(a: impl Future<Output = u32>, b: impl Future<Output = u32>) -> (u32, u32) {
    // BUG: `b` does not start until `a` is done.
    let first = a.await;
    let second = b.await;
    (first, second)
}

/// Fetches every id at the same time and returns the results in the order
/// of `ids` (not the order they finish in). Takes as long as the slowest
/// fetch.
pub async fn all(ids: Vec<u32>, fetch: impl Fn(u32) -> BoxFuture<'static, u32>) -> Vec<u32> {
    // BUG: each fetch starts only once the previous one is done.
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(fetch(id).await);
    }
    results
}
