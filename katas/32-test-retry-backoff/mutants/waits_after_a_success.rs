//! Mutant: waits its backoff after every attempt but the last before looking at the result, so a success that is not the last attempt comes back a whole wait late

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
    loop {
        let result = op(attempt).await;
        if attempt == attempts {
            return result;
        }
        tokio::time::sleep(delay).await;
        match result {
            Ok(value) => return Ok(value),
            Err(_) => {
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
        }
    }
}
