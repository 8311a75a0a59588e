//! Grading tests for kata 08: retry with backoff until a deadline.
//!
//! Every test runs on a paused clock: time only moves when every task is
//! waiting on a tokio timer, and then jumps straight to the next one. So a
//! backoff of 400ms costs no real time, and every instant below is exact.
//! Each attempt is logged (in virtual milliseconds) when it starts and when
//! it ends.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use kata_08_deadline_retry::{retry_until, RetryError};
use kata_support::{assert_no_leaked_tasks, ms, no_hang, DropFlag, EventLog, Stopwatch};
use tokio::time::{sleep, Instant};

/// What one attempt does.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Fails with "attempt N failed" after this many ms.
    FailAfter(u64),
    /// Succeeds with this value after this many ms.
    SucceedAfter(u64, u32),
}

type Outcome = Result<u32, RetryError<String>>;

/// An op whose attempt number `n` (from 1) does `plan(n)`, and logs when it
/// starts (when it is first polled) and how it ends.
struct Scripted {
    log: EventLog,
    calls: Arc<AtomicU32>,
}

impl Scripted {
    fn new() -> Scripted {
        Scripted {
            log: EventLog::new(),
            calls: Arc::default(),
        }
    }

    fn op(&self, plan: fn(u32) -> Step) -> impl FnMut() -> BoxFuture<'static, Result<u32, String>> {
        let log = self.log.clone();
        let calls = self.calls.clone();
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let log = log.clone();
            Box::pin(async move {
                log.record(format!("attempt {n} starts"));
                match plan(n) {
                    Step::FailAfter(millis) => {
                        sleep(ms(millis)).await;
                        log.record(format!("attempt {n} fails"));
                        Err(format!("attempt {n} failed"))
                    }
                    Step::SucceedAfter(millis, value) => {
                        sleep(ms(millis)).await;
                        log.record(format!("attempt {n} succeeds"));
                        Ok(value)
                    }
                }
            })
        }
    }

    /// The virtual ms at which each attempt started.
    fn starts(&self) -> Vec<u64> {
        self.log
            .events()
            .into_iter()
            .filter(|(_, event)| event.ends_with("starts"))
            .map(|(at, _)| at)
            .collect()
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

/// Explains a wrong amount of virtual time, for any of the tests below.
const ON_TOKIO_TIME: &str = "The waits between attempts must be on tokio's clock \
     (tokio::time::sleep / sleep_until), so that other tasks run meanwhile and the \
     paused test clock can skip them. 0ms usually means std::thread::sleep: it blocks \
     the thread for real, and tokio's clock never sees the wait.";

#[tokio::test(start_paused = true)]
async fn a_first_success_returns_at_once() {
    let script = Scripted::new();
    let deadline = Instant::now() + ms(1000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that succeeds at once)",
        retry_until(deadline, script.op(|_| Step::SucceedAfter(0, 7))),
    )
    .await;
    assert_eq!(
        result,
        Ok(7),
        "retry_until(an op whose first attempt returns Ok(7)) returned {result:?}."
    );
    assert_eq!(
        script.calls(),
        1,
        "the op was called {} times, expected once: an attempt that returns Ok is \
         the answer, there is nothing to retry.",
        script.calls()
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "retry_until(an op that succeeds at once)",
        "Nothing needs to wait here: the first attempt starts at once, with no \
         backoff before it, and its Ok is returned at once.",
    );
}

#[tokio::test(start_paused = true)]
async fn retries_with_backoff_until_an_attempt_succeeds() {
    let script = Scripted::new();
    let deadline = Instant::now() + ms(5000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that fails twice, then succeeds)",
        retry_until(
            deadline,
            script.op(|n| match n {
                1 | 2 => Step::FailAfter(0),
                _ => Step::SucceedAfter(0, 42),
            }),
        ),
    )
    .await;
    assert_eq!(
        result,
        Ok(42),
        "retry_until(an op that fails twice and then returns Ok(42)) returned \
         {result:?}: keep retrying after an Err while the deadline is still ahead."
    );
    watch.assert_elapsed(
        ms(300),
        "retry_until(an op whose attempts fail at once twice, then succeed)",
        &format!(
            "Expected attempts at 0ms, 100ms (100ms after the first failure) and \
             300ms (200ms after the second); they started at {:?} ms. {ON_TOKIO_TIME}",
            script.starts()
        ),
    );
    assert_eq!(
        script.starts(),
        [0, 100, 300],
        "the attempts started at these virtual ms, expected [0, 100, 300]: the \
         first at once, then after a backoff of 100ms, then of 200ms (it doubles)."
    );
}

#[tokio::test(start_paused = true)]
async fn attempts_start_on_the_backoff_schedule() {
    // Every attempt takes 50ms and fails; the deadline is 2s away.
    let script = Scripted::new();
    let deadline = Instant::now() + ms(2000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that always fails after 50ms, deadline 2s)",
        retry_until(deadline, script.op(|_| Step::FailAfter(50))),
    )
    .await;
    let report = format!(
        "{}retry_until returned {result:?} at {}ms\n",
        script.log,
        watch.elapsed_ms()
    );
    insta::with_settings!({
        description => "retry_until(deadline 2s away, an op whose every attempt takes 50ms \
            and fails). Each backoff is counted from the failure: 100ms after the first, \
            then 200, 400, 800. Attempt 5 fails at 1750ms; the next backoff (1.6s) would \
            end after the deadline, so retry_until gives up AT the deadline, 2000ms, not \
            later, with 5 attempts and the last error.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_schedule", report);
    });
}

#[tokio::test(start_paused = true)]
async fn gives_up_exactly_at_the_deadline_without_sleeping_past_it() {
    // Attempts fail at once; the deadline is 1s away.
    let script = Scripted::new();
    let deadline = Instant::now() + ms(1000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that always fails at once, deadline 1s)",
        retry_until(deadline, script.op(|_| Step::FailAfter(0))),
    )
    .await;
    watch.assert_elapsed(
        ms(1000),
        "retry_until(an op that always fails at once, deadline 1s away)",
        &format!(
            "Attempts start at 0, 100, 300 and 700ms (they started at {:?} ms). After \
             the fourth fails, the next backoff is 800ms, which would end at 1500ms, past \
             the deadline: retry_until must give up AT the deadline (1s), never sleep past \
             it. Wait until the earlier of \"the backoff is over\" and \"the deadline\". \
             {ON_TOKIO_TIME}",
            script.starts()
        ),
    );
    let expected: Outcome = Err(RetryError {
        attempts: 4,
        last_error: Some("attempt 4 failed".to_string()),
    });
    assert_eq!(
        result, expected,
        "retry_until(an op that always fails at once, deadline 1s away) returned \
         {result:?}: four attempts were started, and the error of the last one is kept."
    );
}

#[tokio::test(start_paused = true)]
async fn no_attempt_starts_at_the_deadline() {
    // Attempts fail at once; the third backoff would end exactly at the deadline.
    let script = Scripted::new();
    let deadline = Instant::now() + ms(700);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that always fails at once, deadline 700ms)",
        retry_until(deadline, script.op(|_| Step::FailAfter(0))),
    )
    .await;
    let expected: Outcome = Err(RetryError {
        attempts: 3,
        last_error: Some("attempt 3 failed".to_string()),
    });
    assert_eq!(
        result,
        expected,
        "retry_until(an op that always fails at once, deadline 700ms away) returned \
         {result:?}; the attempts started at {:?} ms. Attempts start at 0, 100 and \
         300ms; the next one would start at 700ms, exactly at the deadline, and an \
         attempt is only started while the deadline is still ahead (it would have no \
         time to run). Check `now >= deadline`, not `now > deadline`.",
        script.starts()
    );
    watch.assert_elapsed(
        ms(700),
        "retry_until(an op that always fails at once, deadline 700ms away)",
        "It gives up at the deadline.",
    );
}

#[tokio::test(start_paused = true)]
async fn an_attempt_still_running_at_the_deadline_is_cancelled() {
    // Attempt 1 fails at once; attempt 2 never finishes.
    let log = EventLog::new();
    let (flag, probe) = DropFlag::new();
    let mut probe = Some(probe);
    let mut calls = 0u32;
    let recorder = log.clone();
    let op = move || -> BoxFuture<'static, Result<u32, String>> {
        calls += 1;
        let n = calls;
        let log = recorder.clone();
        let probe = probe.take();
        Box::pin(async move {
            log.record(format!("attempt {n} starts"));
            if n == 1 {
                return Err("attempt 1 failed".to_string());
            }
            let _probe = probe;
            std::future::pending::<()>().await;
            Ok(0)
        })
    };

    let deadline = Instant::now() + ms(1000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op whose second attempt never finishes, deadline 1s)",
        retry_until(deadline, op),
    )
    .await;
    watch.assert_elapsed(
        ms(1000),
        "retry_until(an op whose second attempt hangs, deadline 1s away)",
        "Attempt 2 starts at 100ms and never finishes, so retry_until must give up \
         exactly at the deadline. Race each attempt against the deadline itself \
         (tokio::time::timeout_at(deadline, ..) or select! with sleep_until(deadline)). \
         A fresh relative timeout per attempt (timeout(1s, ..)) starts counting when \
         the attempt starts, at 100ms, and overruns the deadline.",
    );
    let expected: Outcome = Err(RetryError {
        attempts: 2,
        last_error: Some("attempt 1 failed".to_string()),
    });
    assert_eq!(
        result, expected,
        "retry_until(an op whose second attempt hangs) returned {result:?}: two \
         attempts were started, and the last error is the first attempt's (the second \
         never failed, it was cut off)."
    );
    flag.assert_dropped("attempt 2, still running at the deadline,");
    assert_no_leaked_tasks("retry_until returned").await;
    assert_eq!(
        log.to_string(),
        "     0ms  attempt 1 starts\n   100ms  attempt 2 starts\n",
        "the attempts did not start when expected: at 0ms and, 100ms after the \
         first failure, at 100ms."
    );
}

#[tokio::test(start_paused = true)]
async fn an_attempt_finishing_exactly_at_the_deadline_counts() {
    // Attempt 1 fails at once; attempt 2 starts at 100ms and succeeds 900ms
    // later, exactly at the deadline.
    let script = Scripted::new();
    let deadline = Instant::now() + ms(1000);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op whose second attempt succeeds exactly at the deadline)",
        retry_until(
            deadline,
            script.op(|n| match n {
                1 => Step::FailAfter(0),
                _ => Step::SucceedAfter(900, 42),
            }),
        ),
    )
    .await;
    assert_eq!(
        result,
        Ok(42),
        "retry_until(deadline 1s away, attempt 2 starts at 100ms and returns Ok(42) at \
         1s) returned {result:?}. When the attempt and the deadline are ready at the same \
         instant, the attempt's result wins: tokio::time::timeout_at polls the attempt \
         first, and so does select! with `biased;` and the attempt's branch first."
    );
    watch.assert_elapsed(
        ms(1000),
        "retry_until(an op whose second attempt succeeds exactly at the deadline)",
        "Attempt 2 starts 100ms after attempt 1 failed (at 100ms) and takes 900ms, so \
         it ends at 1s, exactly at the deadline.",
    );
}
