//! Wrong: misreads "doubling" and expects the first wait to be already doubled (200, 400, 800 ms for a first_delay of 100 ms): it fails on the correct implementation, whose first wait is first_delay itself.
//! Caught by: yours::the_wait_doubles

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn the_wait_doubles() {
    let t0 = Instant::now();
    let starts = Rc::new(RefCell::new(Vec::new()));
    let log = starts.clone();
    let result = retry_with_backoff(4, Duration::from_millis(100), move |n| {
        log.borrow_mut().push(t0.elapsed().as_millis() as u64);
        async move { Err::<(), u32>(n) }
    })
    .await;
    assert_eq!(result, Err(4));
    assert_eq!(*starts.borrow(), [0, 200, 600, 1400]);
}
