//! Wrong: pins the schedule, results and return times down, but never drops the call half-way, so a retry that waits on a timer task it spawned (left running when its caller gives up) gets through.
//! Caught by: mutants::spawned_timer

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
    let (result, starts, returned) = run(6, 100, &[], 0).await;
    assert_eq!(starts, [0, 100, 300, 700, 1500, 3100]);
    assert_eq!(result, Err(6));
    assert_eq!(returned, 3100);
}

#[tokio::test(start_paused = true)]
async fn slow_attempts() {
    let (result, starts, returned) = run(4, 100, &[317, 45, 505, 12], 0).await;
    assert_eq!(starts, [0, 417, 662, 1567]);
    assert_eq!(result, Err(4));
    assert_eq!(returned, 1579);
}

#[tokio::test(start_paused = true)]
async fn success_on_the_third() {
    let (result, starts, returned) = run(5, 100, &[53, 53, 53], 3).await;
    assert_eq!((result, starts, returned), (Ok(3), vec![0, 153, 406], 459));
}

#[tokio::test(start_paused = true)]
async fn first_success_and_single_attempt() {
    assert_eq!(run(4, 100, &[], 1).await, (Ok(1), vec![0], 0));
    assert_eq!(run(1, 100, &[], 0).await, (Err(1), vec![0], 0));
}

#[tokio::test(start_paused = true)]
async fn no_task_left_after_a_return() {
    let _ = run(3, 100, &[], 0).await;
    tokio::task::yield_now().await;
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        0
    );
}
