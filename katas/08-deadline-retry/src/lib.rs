//! Kata 08: retry with backoff until a deadline.
//!
//! An operation that can fail (a request to a flaky server) is worth
//! retrying, but not forever and not in a tight loop: wait a little longer
//! after each failure (100 ms, then 200 ms, 400 ms, ...), and stop at a
//! deadline that the caller chose. Everything, the attempts *and* the waits
//! between them, must fit before that one deadline.
//!
//! Fill in the `todo!()` below. Read README.md first: it says exactly when
//! an attempt starts, when `retry_until` gives up, and what happens at the
//! deadline itself.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

/// How long to wait after the first failure. Each later wait is twice the
/// one before: 100 ms, 200 ms, 400 ms, 800 ms, ...
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// Why `retry_until` gave up: the deadline came before any attempt
/// succeeded.
///
/// Given to you: do not change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryError<E> {
    /// How many attempts were started (including one cut off by the
    /// deadline).
    pub attempts: u32,
    /// The error of the last attempt that failed, or `None` if no attempt
    /// failed (there was none, or the only one was cut off by the deadline).
    pub last_error: Option<E>,
}

impl<E: fmt::Display> fmt::Display for RetryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up at the deadline after {} attempt(s)",
            self.attempts
        )?;
        if let Some(error) = &self.last_error {
            write!(f, "; the last one failed with: {error}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for RetryError<E> {}

/// Calls `op` until one of its attempts succeeds, backing off between
/// attempts, and gives up at `deadline`.
///
/// - The first attempt starts at once. An attempt is `op()`, awaited.
/// - `Ok(value)`: return `Ok(value)` at once.
/// - `Err(error)`: wait `FIRST_BACKOFF` after the first failure, twice as
///   long after the second, and so on, then start the next attempt.
/// - Give up with `Err(RetryError { attempts, last_error })` exactly at
///   `deadline`: an attempt still running then is dropped (cancelled), and
///   a backoff that would end at or after the deadline is cut short there.
///   No attempt starts at or after the deadline.
/// - An attempt that finishes exactly at the deadline still counts.
pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    // Everything here races ONE absolute deadline: each attempt, and each
    // backoff sleep. Use tokio's clock (tokio::time), never std::thread::sleep.
    let _ = (deadline, &mut op);
    todo!("attempt, back off (100ms, 200ms, 400ms, ...), give up at the deadline")
}
