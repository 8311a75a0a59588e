//! Kata 32: the implementation under test.
//!
//! This file is the course's, and it is correct: your tests (in
//! `src/lib.rs`) must pass against it. The grader then swaps in other
//! versions of it, each with one plausible bug, and your tests must fail on
//! every one of them. Read the contract below (README.md has it too): it is
//! everything your tests may rely on, and everything they should check.

use std::future::Future;
use std::time::Duration;

/// Calls `op` until an attempt succeeds, at most `attempts` times, waiting
/// longer and longer between attempts (exponential backoff).
///
/// - Attempt `n` (counted from 1) is `op(n).await`. The first attempt starts
///   at once.
/// - An attempt that returns `Ok(value)`: `retry_with_backoff` returns
///   `Ok(value)` at once, and calls `op` no more.
/// - An attempt `n` that returns `Err(_)` while `n < attempts`: wait, then
///   start attempt `n + 1`. The wait after the first failure is
///   `first_delay`; each later wait is twice the one before (`first_delay`,
///   `2 × first_delay`, `4 × first_delay`, ...), with no maximum. A wait is
///   counted from the moment the attempt failed, however long the attempt
///   took.
/// - The last attempt (`n == attempts`) that returns `Err(error)`:
///   `retry_with_backoff` returns `Err(error)` at once, with no wait after
///   it. The error returned is always the last attempt's.
/// - Every wait is on tokio's timer (`tokio::time::sleep`), so on a paused
///   clock it costs no real time.
/// - Nothing is spawned: dropping the returned future drops the attempt or
///   the wait in progress, and `op` is not called again. Nothing is left
///   running.
///
/// # Panics
///
/// If `attempts` is 0.
pub async fn retry_with_backoff<T, E, F, Fut>(
    attempts: u32,
    first_delay: Duration,
    mut op: F,
) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    assert!(
        attempts >= 1,
        "retry_with_backoff needs at least one attempt (attempts was 0)"
    );
    let mut delay = first_delay;
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt == attempts => return Err(error),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
        }
    }
}
