//! Right: plain tokio and tokio-test, no helpers of its own: the retry is polled by hand (`tokio_test::task::spawn`), and the paused clock is stepped with `tokio::time::advance` to each instant where something happens (the retry only sees an attempt fail when it is polled), checking the attempt count just before and at each instant an attempt is due.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use tokio::time::advance;
use tokio_test::{assert_pending, assert_ready_eq, task};

/// Steps the clock to each instant in `due` (ms from now, ascending): 1 ms
/// before it, `calls` must still be at the previous count; at it, one more.
async fn expect_attempts_at<F: std::future::Future>(
    retry: &mut task::Spawn<F>,
    calls: &Rc<Cell<u32>>,
    due: &[u64],
) {
    let mut now = 0;
    for (i, &at) in due.iter().enumerate() {
        let before = i as u32 + 1;
        advance(Duration::from_millis(at - 1 - now)).await;
        let _ = retry.poll();
        assert_eq!(
            calls.get(),
            before,
            "at {}ms: {} attempt(s) expected so far",
            at - 1,
            before
        );
        advance(Duration::from_millis(1)).await;
        let _ = retry.poll();
        assert_eq!(
            calls.get(),
            before + 1,
            "at {at}ms: attempt {} expected",
            before + 1
        );
        now = at;
    }
}

#[tokio::test(start_paused = true)]
async fn attempts_come_at_100_300_700_1500_3100() {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let mut retry = task::spawn(retry_with_backoff(
        6,
        Duration::from_millis(100),
        move |n| {
            counter.set(n);
            async move { Err::<(), u32>(n) }
        },
    ));
    assert_pending!(retry.poll());
    assert_eq!(
        calls.get(),
        1,
        "the first attempt is made on the first poll"
    );
    expect_attempts_at(&mut retry, &calls, &[100, 300, 700, 1500]).await;
    // The 6th attempt at 3100 ms fails, and its error comes back at once.
    advance(Duration::from_millis(1599)).await;
    assert_pending!(retry.poll());
    advance(Duration::from_millis(1)).await;
    assert_ready_eq!(retry.poll(), Err(6));
    assert_eq!(calls.get(), 6);
}

#[tokio::test(start_paused = true)]
async fn waits_start_when_an_attempt_fails() {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    // Each attempt takes 333 ms before it fails.
    let mut retry = task::spawn(retry_with_backoff(
        3,
        Duration::from_millis(120),
        move |n| {
            counter.set(n);
            async move {
                tokio::time::sleep(Duration::from_millis(333)).await;
                Err::<(), u32>(n)
            }
        },
    ));
    assert_pending!(retry.poll());
    // The retry only sees its attempt fail when it is polled, so the clock
    // is stepped to every instant where something happens, and polled there:
    // attempt 1 fails at 333 and waits 120 ms, attempt 2 runs 453..786 and
    // waits 240 ms, attempt 3 runs 1026..1359.
    let mut now = 0;
    for (at, expected_calls) in [
        (332, 1),
        (333, 1),
        (452, 1),
        (453, 2),
        (785, 2),
        (786, 2),
        (1025, 2),
        (1026, 3),
        (1358, 3),
    ] {
        advance(Duration::from_millis(at - now)).await;
        now = at;
        assert_pending!(retry.poll());
        assert_eq!(calls.get(), expected_calls, "attempts made by {at}ms");
    }
    advance(Duration::from_millis(1)).await;
    assert_ready_eq!(retry.poll(), Err(3));
}

#[tokio::test(start_paused = true)]
async fn an_ok_ends_the_retry() {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let mut retry = task::spawn(retry_with_backoff(9, Duration::from_millis(10), move |n| {
        counter.set(n);
        async move {
            if n == 4 {
                Ok("done")
            } else {
                Err(n)
            }
        }
    }));
    assert_pending!(retry.poll());
    expect_attempts_at(&mut retry, &calls, &[10, 30]).await;
    advance(Duration::from_millis(39)).await;
    assert_pending!(retry.poll());
    advance(Duration::from_millis(1)).await;
    assert_ready_eq!(retry.poll(), Ok("done"));
    assert_eq!(calls.get(), 4);

    // And a first attempt that succeeds is ready on the first poll.
    let mut at_once = task::spawn(retry_with_backoff(
        9,
        Duration::from_millis(10),
        |_| async { Ok::<_, ()>(1) },
    ));
    assert_ready_eq!(at_once.poll(), Ok(1));
}

#[tokio::test(start_paused = true)]
async fn attempts_one_is_a_single_try() {
    let mut retry = task::spawn(retry_with_backoff(
        1,
        Duration::from_millis(10),
        |n| async move { Err::<(), u32>(n) },
    ));
    assert_ready_eq!(retry.poll(), Err(1));
}

#[tokio::test(start_paused = true)]
async fn dropping_mid_wait_leaves_no_task() {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let mut retry = task::spawn(retry_with_backoff(
        4,
        Duration::from_millis(100),
        move |n| {
            counter.set(n);
            async move { Err::<(), u32>(n) }
        },
    ));
    assert_pending!(retry.poll());
    advance(Duration::from_millis(50)).await;
    assert_pending!(retry.poll());
    drop(retry);
    tokio::task::yield_now().await;
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        0,
        "no task may outlive the dropped retry"
    );
    advance(Duration::from_secs(10)).await;
    assert_eq!(calls.get(), 1);
}
