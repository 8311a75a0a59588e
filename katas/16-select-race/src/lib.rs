//! Kata 16: hedge a slow request with `select!`.
//!
//! A hedged request sends a request to a primary, and if no answer has come
//! after `hedge_after`, sends the same request to a backup and takes
//! whichever answers first. The other one is cancelled, which in async Rust
//! means: dropped.
//!
//! Write `hedged` with `tokio::select!` and `tokio::time::sleep`. Read
//! README.md first: it explains the two races, how to keep the primary alive
//! across both, and who wins a tie.

use std::time::Duration;

use futures::future::BoxFuture;

/// Which request an answer came from. Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

/// Runs `primary`; if it has not finished after `hedge_after`, calls
/// `backup()` and races the two. Returns the first answer and its source.
///
/// - A primary that finishes within `hedge_after` (or exactly at it) wins,
///   and `backup` is never called.
/// - Otherwise `backup` is called once, at `hedge_after`, and the first of
///   the two to finish wins; at a tie, the primary wins.
/// - The loser is dropped by the time `hedged` returns. No spawning.
pub async fn hedged<T>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    // Race 1: the primary against a timer (race `&mut primary`, so that the
    // primary survives when the timer wins). Race 2: the primary against
    // the backup. Use `biased;` and list the primary first in both.
    let _ = (primary, hedge_after, backup);
    todo!("race the primary against a timer, then against the backup")
}
