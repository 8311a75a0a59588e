//! Wrong: checks when every attempt starts and what comes back, but never when the call returns after the last failure: a wait after the last attempt gets through.
//! Caught by: mutants::waits_after_the_last_failure

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use tokio::time::{sleep, Instant};

/// Runs the retry with an op whose attempt n takes `takes[n - 1]` ms (0
/// past the end) and succeeds if n == `succeed_on`; returns the result, the
/// virtual ms at which each attempt started, and the ms at which it returned.
async fn run(
    attempts: u32,
    first_delay_ms: u64,
    takes: &[u64],
    succeed_on: u32,
) -> (Result<u32, u32>, Vec<u64>, u64) {
    let t0 = Instant::now();
    let starts = Rc::new(RefCell::new(Vec::new()));
    let result = retry_with_backoff(attempts, Duration::from_millis(first_delay_ms), |n| {
        let starts = starts.clone();
        let takes = takes.get(n as usize - 1).copied().unwrap_or(0);
        async move {
            starts.borrow_mut().push(t0.elapsed().as_millis() as u64);
            sleep(Duration::from_millis(takes)).await;
            if n == succeed_on {
                Ok(n)
            } else {
                Err(n)
            }
        }
    })
    .await;
    let returned = t0.elapsed().as_millis() as u64;
    let starts = starts.borrow().clone();
    (result, starts, returned)
}

#[tokio::test(start_paused = true)]
async fn schedule_of_failures() {
    let (result, starts, _) = run(6, 100, &[], 0).await;
    assert_eq!(starts, [0, 100, 300, 700, 1500, 3100]);
    assert_eq!(result, Err(6));
}

#[tokio::test(start_paused = true)]
async fn slow_attempts() {
    let (result, starts, _) = run(4, 100, &[317, 45, 505, 12], 0).await;
    assert_eq!(starts, [0, 417, 662, 1567]);
    assert_eq!(result, Err(4));
}

#[tokio::test(start_paused = true)]
async fn success_on_the_third() {
    let (result, starts, returned) = run(5, 100, &[53, 53, 53], 3).await;
    assert_eq!(starts, [0, 153, 406]);
    assert_eq!(result, Ok(3));
    assert_eq!(returned, 459);
}

#[tokio::test(start_paused = true)]
async fn first_success_and_single_attempt() {
    let (result, starts, returned) = run(4, 100, &[], 1).await;
    assert_eq!((result, starts, returned), (Ok(1), vec![0], 0));
    let (result, starts, _) = run(1, 100, &[], 0).await;
    assert_eq!((result, starts), (Err(1), vec![0]));
}

#[tokio::test(start_paused = true)]
async fn cancelled_during_a_wait() {
    let calls = Rc::new(RefCell::new(0));
    let counter = calls.clone();
    let retry = retry_with_backoff(5, Duration::from_millis(100), move |n| {
        *counter.borrow_mut() += 1;
        async move { Err::<(), u32>(n) }
    });
    assert!(tokio::time::timeout(Duration::from_millis(150), retry)
        .await
        .is_err());
    tokio::task::yield_now().await;
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        0
    );
    sleep(Duration::from_secs(60)).await;
    assert_eq!(*calls.borrow(), 2);
}
