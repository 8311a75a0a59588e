//! Kata 08: retry with backoff until a deadline (reference solution).
//!
//! The whole function waits on tokio's clock, and everything that waits (an
//! attempt, a backoff) is raced against the one absolute deadline the caller
//! gave. So the deadline bounds the total, however many attempts there are,
//! and a paused test clock can skip every wait.

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
pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    let mut attempts = 0;
    let mut last_error = None;
    let mut backoff = FIRST_BACKOFF;
    loop {
        // Only start an attempt while the deadline is still ahead. This one
        // check covers both ways of reaching the deadline below: a backoff
        // cut short by it, or (for a deadline already passed) none at all.
        // `>=`: an attempt started at the deadline would have no time to run.
        if Instant::now() >= deadline {
            return Err(RetryError {
                attempts,
                last_error,
            });
        }
        attempts += 1;

        // Race the attempt against the deadline itself, not against a
        // relative limit: `timeout(limit, ..)` would start counting when
        // this attempt starts, and a late attempt would overrun. If the
        // deadline wins, `timeout_at` drops the attempt's future, which
        // cancels it. `timeout_at` polls the attempt before it looks at the
        // clock, so an attempt that finishes exactly at the deadline counts.
        match tokio::time::timeout_at(deadline, op()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(error)) => last_error = Some(error),
            Err(_elapsed) => {
                return Err(RetryError {
                    attempts,
                    last_error,
                })
            }
        }

        // Back off, counted from this failure, but never past the deadline:
        // sleep until whichever comes first. If that is the deadline, the
        // check at the top of the loop gives up. `sleep_until` is a tokio
        // timer: the task yields and other tasks run meanwhile, where
        // `std::thread::sleep` would block the whole thread.
        let backoff_over = Instant::now() + backoff;
        tokio::time::sleep_until(backoff_over.min(deadline)).await;
        backoff *= 2;
    }
}
