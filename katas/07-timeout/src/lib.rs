//! Kata 07: implement a timeout.
//!
//! A timeout is a race: the work against a timer. Whichever finishes first
//! decides the result, and the loser is dropped (which is how async Rust
//! cancels a future). Write it by hand with `tokio::select!` and
//! `tokio::time::sleep`, then use one shared deadline for a whole batch.
//!
//! Fill in the two `todo!()`s below. Read README.md first: it explains the
//! exact behaviour the tests expect, including what happens when the work
//! finishes exactly at the limit.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

/// The error returned when the work did not finish within its time limit.
///
/// Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit that was exceeded.
    pub limit: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.limit)
    }
}

impl std::error::Error for TimedOut {}

/// Runs `f`, giving up after `limit`.
///
/// - If `f` finishes within `limit`, return `Ok` with its output, as soon as
///   it finishes.
/// - Otherwise return `Err(TimedOut { limit })` exactly when `limit` has
///   passed, and drop `f` (that cancels it).
/// - If `f` finishes exactly at the limit, its output wins: `Ok`.
///
/// Write it with `tokio::select!` (with `biased;`) and `tokio::time::sleep`,
/// not with `tokio::time::timeout`.
pub async fn with_timeout<F: Future>(limit: Duration, f: F) -> Result<F::Output, TimedOut> {
    // Race `f` against a sleep of `limit`. Put `f` first and use `biased;`
    // so that a result that is ready at the limit is kept.
    let _ = (limit, f);
    todo!("race the future against tokio::time::sleep(limit)")
}

/// Runs every op concurrently and keeps the results that are ready by
/// `deadline`, in the same order as `ops`: `Some(output)` for an op that
/// finished by the deadline, `None` for one that did not (it is dropped).
///
/// Returns as soon as every op has finished, or at `deadline`, whichever
/// comes first. An op finishing exactly at the deadline counts as finished,
/// and a deadline that has already come still polls each op once (an op
/// that is ready at once is `Some`). Every op has been dropped by the time
/// this returns.
pub async fn first_within<T>(deadline: Instant, ops: Vec<BoxFuture<'static, T>>) -> Vec<Option<T>> {
    // All the ops share ONE deadline, an absolute instant, and they all run
    // at the same time (not one after the other).
    let _ = (deadline, ops);
    todo!("run every op concurrently against the same deadline")
}
