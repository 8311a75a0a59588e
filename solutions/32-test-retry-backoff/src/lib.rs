//! Tests for `retry_with_backoff` (kata 32): the reference tests.
//!
//! Every test runs on tokio's paused clock: a wait of 1.5 s costs no real
//! time, and every instant is exact, so the tests compare virtual
//! milliseconds with `==`. A fake operation logs when each attempt starts;
//! its attempts take irregular times (317 ms, 45 ms...), because an attempt
//! that fails at once cannot tell a wait counted from the failure from one
//! counted from the attempt's start.
//!
//! | what could be wrong | the test that sees it |
//! |---|---|
//! | no wait, a constant wait, a linear one, a doubled first wait | `every_attempt_fails_on_a_doubling_schedule` |
//! | too many or too few attempts, no retry at all | `every_attempt_fails_on_a_doubling_schedule`, `a_single_attempt_is_never_retried` |
//! | the first error returned instead of the last | `every_attempt_fails_on_a_doubling_schedule` |
//! | a wait after the last failure | `every_attempt_fails_on_a_doubling_schedule`, `a_single_attempt_is_never_retried` |
//! | a wait counted from the attempt's start | `each_wait_is_counted_from_the_failure` |
//! | a wait before the first attempt, a retry after a success | `a_first_success_costs_no_wait`, `a_later_success_is_returned_at_once` |
//! | a task left behind when the caller gives up | `dropping_the_retry_leaves_nothing_running` |

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use kata_32_test_retry_backoff::retry_with_backoff;
use tokio::runtime::Handle;
use tokio::time::{sleep, timeout, Instant};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A fake operation that logs when each attempt starts, in virtual
/// milliseconds since the fake was made.
#[derive(Clone)]
struct Attempts {
    t0: Instant,
    starts: Rc<RefCell<Vec<u64>>>,
}

impl Attempts {
    fn new() -> Attempts {
        Attempts {
            t0: Instant::now(),
            starts: Rc::default(),
        }
    }

    /// Attempt `n`: logs its start, takes `takes` ms of virtual time, then
    /// returns `Ok(n)` if it `succeeds`, else `Err("attempt n failed")`.
    fn run(&self, n: u32, takes: u64, succeeds: bool) -> impl Future<Output = Result<u32, String>> {
        let this = self.clone();
        async move {
            this.starts.borrow_mut().push(this.now_ms());
            sleep(ms(takes)).await;
            if succeeds {
                Ok(n)
            } else {
                Err(format!("attempt {n} failed"))
            }
        }
    }

    fn starts(&self) -> Vec<u64> {
        self.starts.borrow().clone()
    }

    fn now_ms(&self) -> u64 {
        self.t0.elapsed().as_millis() as u64
    }
}

/// Awaits `fut`, failing (in microseconds of real time) if it is still
/// running after an hour of virtual time.
async fn guarded<F: Future>(what: &str, fut: F) -> F::Output {
    timeout(Duration::from_secs(3600), fut)
        .await
        .unwrap_or_else(|_| panic!("{what} was still running after an hour of virtual time"))
}

#[tokio::test(start_paused = true)]
async fn every_attempt_fails_on_a_doubling_schedule() {
    let attempts = Attempts::new();
    let what = "retry_with_backoff(6 attempts, first_delay 100ms, an op that always fails at once)";
    let result = guarded(
        what,
        retry_with_backoff(6, ms(100), |n| attempts.run(n, 0, false)),
    )
    .await;
    assert_eq!(
        attempts.starts(),
        [0, 100, 300, 700, 1500, 3100],
        "{what}: the attempts started at these virtual ms (left), expected the right: the \
         first at once, then waits of 100, 200, 400, 800 and 1600 ms between them"
    );
    assert_eq!(
        result,
        Err("attempt 6 failed".to_string()),
        "{what}: returned the wrong result; expected the last attempt's error"
    );
    assert_eq!(
        attempts.now_ms(),
        3100,
        "{what}: returned at the wrong virtual time; expected 3100 ms, the moment the last \
         attempt failed (no wait after it)"
    );
}

#[tokio::test(start_paused = true)]
async fn each_wait_is_counted_from_the_failure() {
    // Attempts slower than some of the waits, and of unequal lengths.
    const TAKES: [u64; 4] = [317, 45, 505, 12];
    let attempts = Attempts::new();
    let what = "retry_with_backoff(4 attempts, first_delay 100ms, an op whose attempts fail \
                after 317, 45, 505 and 12 ms)";
    let result = guarded(
        what,
        retry_with_backoff(4, ms(100), |n| {
            attempts.run(n, TAKES[n as usize - 1], false)
        }),
    )
    .await;
    // 0 +317 fails, +100 → 417 +45 fails, +200 → 662 +505 fails, +400 → 1567 +12 fails at 1579.
    assert_eq!(
        attempts.starts(),
        [0, 417, 662, 1567],
        "{what}: the attempts started at these virtual ms (left), expected the right: each \
         wait (100, 200, 400 ms) starts when the attempt before it failed"
    );
    assert_eq!(result, Err("attempt 4 failed".to_string()), "{what}");
    assert_eq!(
        attempts.now_ms(),
        1579,
        "{what}: expected to return at 1579 ms, when the 4th attempt failed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_first_success_costs_no_wait() {
    let attempts = Attempts::new();
    let what = "retry_with_backoff(5 attempts, first_delay 100ms, an op that succeeds at once)";
    let result = guarded(
        what,
        retry_with_backoff(5, ms(100), |n| attempts.run(n, 0, true)),
    )
    .await;
    assert_eq!(result, Ok(1), "{what}");
    assert_eq!(
        attempts.starts(),
        [0],
        "{what}: expected one attempt, at 0 ms"
    );
    assert_eq!(attempts.now_ms(), 0, "{what}: expected to return at 0 ms");
}

#[tokio::test(start_paused = true)]
async fn a_later_success_is_returned_at_once() {
    let attempts = Attempts::new();
    let what = "retry_with_backoff(5 attempts, first_delay 100ms, an op whose attempts take \
                53 ms, and only the 3rd succeeds)";
    let result = guarded(
        what,
        retry_with_backoff(5, ms(100), |n| attempts.run(n, 53, n == 3)),
    )
    .await;
    assert_eq!(result, Ok(3), "{what}");
    assert_eq!(
        attempts.starts(),
        [0, 153, 406],
        "{what}: expected attempts at 0, 153 and 406 ms, and none after the success"
    );
    assert_eq!(
        attempts.now_ms(),
        459,
        "{what}: expected to return at 459 ms, when the 3rd attempt succeeded"
    );
}

#[tokio::test(start_paused = true)]
async fn a_single_attempt_is_never_retried() {
    let attempts = Attempts::new();
    let what = "retry_with_backoff(1 attempt, first_delay 250ms, an op that fails after 31 ms)";
    let result = guarded(
        what,
        retry_with_backoff(1, ms(250), |n| attempts.run(n, 31, false)),
    )
    .await;
    assert_eq!(result, Err("attempt 1 failed".to_string()), "{what}");
    assert_eq!(
        attempts.starts(),
        [0],
        "{what}: expected exactly one attempt"
    );
    assert_eq!(
        attempts.now_ms(),
        31,
        "{what}: expected to return at 31 ms, as soon as the only attempt failed"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_retry_leaves_nothing_running() {
    let attempts = Attempts::new();
    // Attempt 2 fails at 100 ms and is followed by a 200 ms wait: the caller
    // gives up at 250 ms, in the middle of it.
    let gave_up = timeout(
        ms(250),
        retry_with_backoff(5, ms(100), |n| attempts.run(n, 0, false)),
    )
    .await;
    assert!(
        gave_up.is_err(),
        "the retry returned {gave_up:?} before 250 ms, expected it still waiting"
    );
    tokio::task::yield_now().await;
    let alive = Handle::current().metrics().num_alive_tasks();
    assert_eq!(
        alive, 0,
        "after the caller dropped the retry during a wait, {alive} task(s) were still running"
    );
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        attempts.starts(),
        [0, 100],
        "the op was called again after the caller had dropped the retry"
    );
}
