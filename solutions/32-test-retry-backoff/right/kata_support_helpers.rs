//! Right: kata-support's helpers (an `EventLog` of attempt starts and ends, `Stopwatch`, `no_hang`, `cancel_after`, `assert_nothing_left_running`), one scripted op for every test, and whole event logs compared at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use kata_support::{assert_nothing_left_running, cancel_after, ms, no_hang, EventLog, Stopwatch};
use tokio::time::sleep;

/// What attempt `n` does: fail or succeed after some milliseconds.
#[derive(Clone, Copy)]
enum Step {
    Fail(u64),
    Succeed(u64),
}

/// Runs `retry_with_backoff(attempts, first_delay)` with an op following
/// `steps` (attempts past the end fail at once), and returns the result with
/// the log of what each attempt did, in virtual ms.
async fn run(
    attempts: u32,
    first_delay: Duration,
    steps: &[Step],
) -> (Result<u32, String>, Vec<(u64, String)>) {
    let log = EventLog::new();
    let op = |n: u32| {
        let log = log.clone();
        let step = steps.get(n as usize - 1).copied().unwrap_or(Step::Fail(0));
        async move {
            log.record(format!("start {n}"));
            match step {
                Step::Fail(t) => {
                    sleep(ms(t)).await;
                    log.record(format!("fail {n}"));
                    Err(format!("error {n}"))
                }
                Step::Succeed(t) => {
                    sleep(ms(t)).await;
                    log.record(format!("ok {n}"));
                    Ok(n)
                }
            }
        }
    };
    let result = no_hang(
        "retry_with_backoff",
        retry_with_backoff(attempts, first_delay, op),
    )
    .await;
    (result, log.events())
}

fn events(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|(t, e)| (*t, e.to_string())).collect()
}

#[tokio::test(start_paused = true)]
async fn five_failures_back_off_100_200_400_800() {
    let watch = Stopwatch::start();
    let (result, log) = run(5, ms(100), &[]).await;
    watch.assert_elapsed(
        ms(1500),
        "five attempts that fail at once",
        "waits of 100, 200, 400, 800 ms, none after the last failure",
    );
    assert_eq!(result, Err("error 5".into()), "the last error comes back");
    assert_eq!(
        log,
        events(&[
            (0, "start 1"),
            (0, "fail 1"),
            (100, "start 2"),
            (100, "fail 2"),
            (300, "start 3"),
            (300, "fail 3"),
            (700, "start 4"),
            (700, "fail 4"),
            (1500, "start 5"),
            (1500, "fail 5"),
        ]),
        "attempt log"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_failures_are_followed_by_the_full_wait() {
    // 250 ms per attempt, longer than the first two waits.
    let watch = Stopwatch::start();
    let (result, log) = run(
        3,
        ms(150),
        &[Step::Fail(250), Step::Fail(250), Step::Fail(250)],
    )
    .await;
    assert_eq!(result, Err("error 3".into()));
    assert_eq!(
        log,
        events(&[
            (0, "start 1"),
            (250, "fail 1"),
            (400, "start 2"),
            (650, "fail 2"),
            (950, "start 3"),
            (1200, "fail 3"),
        ]),
        "each wait runs from the failure: 150 ms after 250, 300 ms after 650"
    );
    watch.assert_elapsed(
        ms(1200),
        "three slow failures",
        "returns at the last failure",
    );
}

#[tokio::test(start_paused = true)]
async fn success_on_the_second_attempt_stops_retrying() {
    let (result, log) = run(4, ms(70), &[Step::Fail(11), Step::Succeed(23)]).await;
    assert_eq!(result, Ok(2));
    assert_eq!(
        log,
        events(&[
            (0, "start 1"),
            (11, "fail 1"),
            (81, "start 2"),
            (104, "ok 2")
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn success_first_time_returns_immediately() {
    let watch = Stopwatch::start();
    let (result, log) = run(3, ms(500), &[Step::Succeed(0)]).await;
    assert_eq!(result, Ok(1));
    assert_eq!(log, events(&[(0, "start 1"), (0, "ok 1")]));
    watch.assert_elapsed(
        ms(0),
        "a first attempt that succeeds at once",
        "no wait at all",
    );
}

#[tokio::test(start_paused = true)]
async fn one_allowed_attempt_means_one_call() {
    let watch = Stopwatch::start();
    let (result, log) = run(1, ms(100), &[Step::Fail(7)]).await;
    assert_eq!(result, Err("error 1".into()));
    assert_eq!(log, events(&[(0, "start 1"), (7, "fail 1")]));
    watch.assert_elapsed(ms(7), "a single failing attempt", "no wait after it");
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_retry_leaves_nothing_behind() {
    let calls = Arc::new(Mutex::new(0u32));
    let op = |_n: u32| {
        let calls = calls.clone();
        async move {
            *calls.lock().unwrap() += 1;
            Err::<(), ()>(())
        }
    };
    // Attempts at 0 and 40 ms, then a wait of 80 ms: cancelled at 90 ms.
    let output = cancel_after(ms(90), retry_with_backoff(6, ms(40), op)).await;
    assert!(output.is_none(), "still retrying at 90 ms");
    assert_nothing_left_running("cancelling retry_with_backoff", ms(10_000)).await;
    assert_eq!(*calls.lock().unwrap(), 2, "no call after the cancel");
}
