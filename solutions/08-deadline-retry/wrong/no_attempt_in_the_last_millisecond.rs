//! Wrong: starts no attempt when 1 ms or less is left before the deadline, so a backoff ending 1 ms before it gives up instead of trying again.
//! Caught by: an_attempt_starts_when_a_backoff_ends_just_before_the_deadline

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryError<E> {
    pub attempts: u32,
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

/// An attempt needs at least this much time to be worth starting.
const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(1);

pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    let mut attempts = 0;
    let mut last_error = None;
    let mut backoff = FIRST_BACKOFF;
    loop {
        if Instant::now() + MIN_ATTEMPT_TIME >= deadline {
            return Err(RetryError {
                attempts,
                last_error,
            });
        }
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
    }
}
