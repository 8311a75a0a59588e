//! Mutant: retries at once, without waiting between attempts

use std::future::Future;
use std::time::Duration;

/// Calls `op` until an attempt succeeds, at most `attempts` times, with
/// a backoff between attempts.
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
    let _ = first_delay;
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt == attempts => return Err(error),
            Err(_) => attempt += 1,
        }
    }
}
