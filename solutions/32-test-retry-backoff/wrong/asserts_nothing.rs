//! Wrong: calls retry_with_backoff and only checks that it comes back with some result: it asserts nothing the contract says, so every implementation passes.
//! Caught by: mutants::never_waits

use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;

#[tokio::test(start_paused = true)]
async fn retry_returns() {
    let result = retry_with_backoff(3, Duration::from_millis(100), |n| async move {
        if n == 2 {
            Ok(n)
        } else {
            Err(n)
        }
    })
    .await;
    assert!(result.is_ok() || result.is_err());
}
