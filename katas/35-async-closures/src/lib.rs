//! Kata 35: take an async closure.
//!
//! Callers want to hand your functions an async closure, `async |x| { ... }`,
//! that borrows what it needs from them: a client, a log to push to, the
//! item it is given. The old bound `F: Fn(X) -> Fut, Fut: Future` cannot
//! accept such a closure; the `AsyncFn`, `AsyncFnMut` and `AsyncFnOnce`
//! bounds (stable since Rust 1.85) can.
//!
//! Both functions below start with the bound `AsyncFnOnce`, which lets you
//! call the closure only once. Choose, for each, the bound that lets your
//! function call the closure as it needs to while accepting every closure
//! the README's callers pass, then fill in the `todo!()`s. Read README.md
//! first: it explains the three bounds and exactly what the tests check.

use std::time::Duration;

/// Calls `op(1)`, `op(2)`, `op(3)`, … (the attempt number, from 1) until
/// one returns `Ok`, and returns that `Ok` at once.
///
/// - At most `attempts` calls are made; `attempts == 0` counts as 1 (there
///   is always a first attempt).
/// - After a failed attempt, wait before the next one: `first_delay` after
///   the first failure, then twice as long each time (`first_delay`,
///   `2 * first_delay`, `4 * first_delay`, …), counted from the moment the
///   failed attempt returned. Wait on tokio's clock.
/// - When the last allowed attempt fails, return its error at once: no
///   wait after the last attempt.
pub async fn retry<T, E, F>(attempts: u32, first_delay: Duration, op: F) -> Result<T, E>
where
    // `retry` calls `op` several times, one call after the other, and its
    // callers' closures change what they captured (they count, they log).
    F: AsyncFnOnce(u32) -> Result<T, E>,
{
    let _ = (attempts, first_delay, op);
    todo!(
        "call op(attempt).await in a loop, sleeping first_delay, 2 * first_delay, … between failures"
    )
}

/// Calls `f(item)` for every item of `items`, at most `limit` calls at the
/// same time (`limit == 0` counts as 1), and returns the outputs in the
/// order of `items`, whichever call finishes first.
///
/// - Keep the window full: when a call finishes, the next item's call
///   starts, until every item has had its call.
/// - Call `f` exactly once per item. Calls start in the order of `items`.
pub async fn map_concurrently<T, O, F>(items: &[T], limit: usize, f: F) -> Vec<O>
where
    // Several calls of `f` are in flight at once, and the future of each
    // borrows its item (`&T`) and whatever `f` captured.
    F: AsyncFnOnce(&T) -> O,
{
    let _ = (items, limit, f);
    todo!("run f(item) for every item, at most `limit` at once, outputs in the order of items")
}
