//! Wrong: waits by checking tokio's clock every millisecond (for the backoff and for the deadline while an attempt runs), so the schedule is exact but the runtime never rests while retry_until waits.
//! Caught by: retry_until_waits_without_waking_up

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt;
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
        if Instant::now() >= deadline {
            return Err(RetryError {
                attempts,
                last_error,
            });
        }
        attempts += 1;
        let mut attempt = op();
        let result = loop {
            if let Some(result) = (&mut attempt).now_or_never() {
                break Some(result);
            }
            if Instant::now() >= deadline {
                break None;
            }
            // The mistake: a tick every millisecond instead of one timer.
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        match result {
            Some(Ok(value)) => return Ok(value),
            Some(Err(error)) => last_error = Some(error),
            None => {
                return Err(RetryError {
                    attempts,
                    last_error,
                })
            }
        }
        let until = (Instant::now() + backoff).min(deadline);
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        backoff *= 2;
    }
}
