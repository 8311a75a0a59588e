//! Right: small helper functions, each wait wrapped in tokio::time::timeout_at(deadline, ..), the backoff sleep included.

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

/// One attempt, cut off at the deadline: `None` if the deadline came first.
async fn attempt<T, E>(
    deadline: Instant,
    attempt: BoxFuture<'static, Result<T, E>>,
) -> Option<Result<T, E>> {
    tokio::time::timeout_at(deadline, attempt).await.ok()
}

/// Sleeps `backoff`, or until the deadline if that comes first; says
/// whether there is time left for another attempt.
async fn back_off(deadline: Instant, backoff: Duration) -> bool {
    tokio::time::timeout_at(deadline, tokio::time::sleep(backoff))
        .await
        .is_ok()
        && Instant::now() < deadline
}

pub async fn retry_until<T, E>(
    deadline: Instant,
    mut op: impl FnMut() -> BoxFuture<'static, Result<T, E>>,
) -> Result<T, RetryError<E>> {
    let mut error = RetryError {
        attempts: 0,
        last_error: None,
    };
    if Instant::now() >= deadline {
        return Err(error);
    }
    let mut backoff = FIRST_BACKOFF;
    loop {
        error.attempts += 1;
        match attempt(deadline, op()).await {
            Some(Ok(value)) => return Ok(value),
            Some(Err(e)) => error.last_error = Some(e),
            None => return Err(error),
        }
        if !back_off(deadline, backoff).await {
            return Err(error);
        }
        backoff = backoff.saturating_mul(2);
    }
}
