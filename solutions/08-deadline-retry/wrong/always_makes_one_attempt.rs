//! Wrong: checks the deadline only after an attempt (a do-while loop), so with a deadline that has already passed it still calls the op once.
//! Caught by: a_deadline_already_passed_makes_no_attempt

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

pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    let mut attempts = 0;
    let mut last_error = None;
    let mut backoff = FIRST_BACKOFF;
    loop {
        // The mistake: no check before the first attempt.
        attempts += 1;
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
        tokio::time::sleep_until((Instant::now() + backoff).min(deadline)).await;
        backoff *= 2;
        if Instant::now() >= deadline {
            return Err(RetryError {
                attempts,
                last_error,
            });
        }
    }
}
