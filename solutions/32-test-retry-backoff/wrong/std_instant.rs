//! Wrong: runs on the paused clock but measures with `std::time::Instant`, which the paused clock does not move: the schedule it measures is all zeros, so its (correct) expectations fail on the correct implementation.
//! Caught by: yours::attempts_start_on_the_schedule

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use kata_32_test_retry_backoff::retry_with_backoff;

#[tokio::test(start_paused = true)]
async fn attempts_start_on_the_schedule() {
    let t0 = Instant::now();
    let starts = Rc::new(RefCell::new(Vec::new()));
    let log = starts.clone();
    let result = retry_with_backoff(4, Duration::from_millis(100), move |n| {
        log.borrow_mut().push(t0.elapsed().as_millis() as u64);
        async move { Err::<(), u32>(n) }
    })
    .await;
    assert_eq!(result, Err(4));
    assert_eq!(*starts.borrow(), [0, 100, 300, 700]);
}
