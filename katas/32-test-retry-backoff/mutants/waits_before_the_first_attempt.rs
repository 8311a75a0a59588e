//! Mutant: waits first_delay before the very first attempt, then backs off as it should (everything starts first_delay late)

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
    let mut delay = first_delay;
    let mut attempt = 1;
    tokio::time::sleep(first_delay).await;
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
