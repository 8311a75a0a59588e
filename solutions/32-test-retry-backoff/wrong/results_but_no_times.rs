//! Wrong: checks the results and how many attempts were made, carefully, but never looks at the clock: an implementation that retries without waiting returns exactly the same values.
//! Caught by: mutants::never_waits

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;

fn counting_op(
    calls: &Rc<Cell<u32>>,
    succeed_on: Option<u32>,
) -> impl FnMut(u32) -> std::future::Ready<Result<u32, String>> {
    let calls = calls.clone();
    move |n| {
        calls.set(calls.get() + 1);
        std::future::ready(if Some(n) == succeed_on {
            Ok(n)
        } else {
            Err(format!("attempt {n} failed"))
        })
    }
}

#[tokio::test(start_paused = true)]
async fn all_attempts_fail() {
    let calls = Rc::new(Cell::new(0));
    let result = retry_with_backoff(6, Duration::from_millis(100), counting_op(&calls, None)).await;
    assert_eq!(result, Err("attempt 6 failed".to_string()));
    assert_eq!(calls.get(), 6);
}

#[tokio::test(start_paused = true)]
async fn third_attempt_succeeds() {
    let calls = Rc::new(Cell::new(0));
    let result =
        retry_with_backoff(6, Duration::from_millis(100), counting_op(&calls, Some(3))).await;
    assert_eq!(result, Ok(3));
    assert_eq!(calls.get(), 3);
}

#[tokio::test(start_paused = true)]
async fn one_attempt() {
    let calls = Rc::new(Cell::new(0));
    let result = retry_with_backoff(1, Duration::from_millis(100), counting_op(&calls, None)).await;
    assert_eq!(result, Err("attempt 1 failed".to_string()));
    assert_eq!(calls.get(), 1);
}
