//! Right: computes when the next attempt is due (failure + backoff) and compares it with the deadline before sleeping; the attempt raced with futures::future::select.

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

use futures::future::Either;

pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    let mut attempts = 0;
    let mut last_error = None;
    let mut next_start = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    loop {
        if next_start >= deadline {
            // No attempt may start at or after the deadline: wait for it,
            // then give up.
            tokio::time::sleep_until(deadline).await;
            return Err(RetryError {
                attempts,
                last_error,
            });
        }
        tokio::time::sleep_until(next_start).await;

        attempts += 1;
        let cutoff = Box::pin(tokio::time::sleep_until(deadline));
        // `select` polls the attempt first: an attempt that ends exactly at
        // the deadline still counts.
        let result = match futures::future::select(op(), cutoff).await {
            Either::Left((result, _)) => result,
            Either::Right(((), _)) => {
                return Err(RetryError {
                    attempts,
                    last_error,
                })
            }
        };
        match result {
            Ok(value) => return Ok(value),
            Err(error) => last_error = Some(error),
        }
        next_start = Instant::now() + backoff;
        backoff *= 2;
    }
}
