//! Wrong: runs on the real clock (no `start_paused`), so the test really waits the 3.1 s of backoff, and has to accept a range of times since real time is never exact; the grader stops it after 2 s.
//! Caught by: yours::backoff_schedule_in_real_time

use std::time::{Duration, Instant};

use kata_32_test_retry_backoff::retry_with_backoff;

#[tokio::test]
async fn backoff_schedule_in_real_time() {
    let start = Instant::now();
    let result = retry_with_backoff(6, Duration::from_millis(100), |n| async move {
        Err::<(), u32>(n)
    })
    .await;
    let took = start.elapsed();
    assert_eq!(result, Err(6));
    assert!(
        took >= Duration::from_millis(3100) && took < Duration::from_millis(3400),
        "took {took:?}"
    );
}
