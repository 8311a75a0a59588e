//! Grading tests for kata 08: retry with backoff until a deadline.
//!
//! Every test runs on a paused clock: time only moves when every task is
//! waiting on a tokio timer, and then jumps straight to the next one. So a
//! backoff of 400ms costs no real time, and every instant below is exact.
//! Each attempt is logged (in virtual milliseconds) when it starts, when it
//! ends, and when it is dropped unfinished. Attempt durations and deadlines
//! are seeded and irregular (never multiples of 5 ms); a failing case
//! prints its seed and the command that replays it.
//!
//! The mistakes a learner makes, and the test that catches each:
//!
//! | mistake | caught by |
//! |---|---|
//! | waits before the first attempt | `a_first_success_returns_at_once` |
//! | `std::thread::sleep` for the backoff (no virtual time passes) | `retries_with_backoff_until_an_attempt_succeeds` |
//! | the backoff never doubles, or doubles before its first use | `retries_with_backoff_until_an_attempt_succeeds` |
//! | the backoff counted from when the attempt started, not from its failure | `backoff_is_counted_from_each_failure` |
//! | the backoff capped (30 s, 60 s, ...) instead of doubling on | `the_backoff_keeps_doubling_without_a_cap` |
//! | gives up with a margin ("too little time left") before the deadline | `an_attempt_starts_when_a_backoff_ends_just_before_the_deadline` |
//! | sleeps the whole backoff, past the deadline, before giving up | `gives_up_exactly_at_the_deadline_without_sleeping_past_it` |
//! | `>` instead of `>=`: starts an attempt exactly at the deadline | `no_attempt_starts_at_the_deadline` |
//! | a relative timeout per attempt instead of the one deadline | `an_attempt_still_running_at_the_deadline_is_cancelled` |
//! | the attempt cut off by the deadline not counted, or its predecessor's error forgotten | `an_attempt_still_running_at_the_deadline_is_cancelled` |
//! | the deadline wins a tie with an attempt (`biased;` the wrong way, or unbiased) | `an_attempt_finishing_exactly_at_the_deadline_counts` |
//! | always makes one attempt, even when the deadline has already passed | `a_deadline_already_passed_makes_no_attempt` |
//! | checks the clock every millisecond instead of awaiting a timer | `retry_until_waits_without_waking_up` |
//! | attempts spawned, left running when the caller gives up | `dropping_retry_until_stops_retrying` |
//! | extra bounds on `T`, `E` or the op (`Send`, `'static`, `Debug`, `Clone`) | `any_op` (a test file that must compile) |
//!
//! The snapshot `attempts_start_on_the_backoff_schedule` shows one whole
//! schedule; every mistake above that changes a start time changes it too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use futures::future::BoxFuture;
use kata_08_deadline_retry::{RetryError, retry_until};
use kata_support::{
    EventLog, HANG_LIMIT, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups,
    assert_nothing_left_running, cancel_after, for_each_seed, ms, no_hang, no_spin, within,
};
use tokio::time::{Instant, sleep};

/// What one attempt does, counted from when it is first polled.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Fails with "attempt N failed" after this many ms.
    Fail(u64),
    /// Succeeds with this value after this many ms.
    Succeed(u64, u32),
    /// Never finishes.
    Hang,
}

type Outcome = Result<u32, RetryError<String>>;

/// Logs "attempt N cancelled" if the attempt is dropped before it ended.
struct CancelRecorder {
    log: EventLog,
    n: u32,
    ended: bool,
}

impl Drop for CancelRecorder {
    fn drop(&mut self) {
        if !self.ended {
            self.log.record(format!("attempt {} cancelled", self.n));
        }
    }
}

/// An op whose attempt number `n` (from 1) does `steps[n - 1]` (attempts
/// past the end of the script fail at once), logging when it starts, ends
/// or is cancelled, and drawn on the timeline as a bar `attempt N` (so the
/// log itself is not drawn: its ticks would say the same again).
struct Script {
    steps: Vec<Step>,
    log: EventLog,
    calls: Arc<AtomicU32>,
}

fn error_of(n: u32) -> String {
    format!("attempt {n} failed")
}

impl Script {
    fn new(steps: Vec<Step>) -> Script {
        Script {
            steps,
            log: EventLog::undrawn(),
            calls: Arc::default(),
        }
    }

    fn step(&self, n: u32) -> Step {
        self.steps
            .get(n as usize - 1)
            .copied()
            .unwrap_or(Step::Fail(0))
    }

    fn op(&self) -> impl FnMut() -> BoxFuture<'static, Result<u32, String>> + use<> {
        let log = self.log.clone();
        let calls = self.calls.clone();
        let steps = self.steps.clone();
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let step = steps.get(n as usize - 1).copied().unwrap_or(Step::Fail(0));
            let log = log.clone();
            let attempt = async move {
                let mut recorder = CancelRecorder {
                    log: log.clone(),
                    n,
                    ended: false,
                };
                log.record(format!("attempt {n} starts"));
                let result = match step {
                    Step::Fail(millis) => {
                        sleep(ms(millis)).await;
                        log.record(format!("attempt {n} fails"));
                        Err(error_of(n))
                    }
                    Step::Succeed(millis, value) => {
                        sleep(ms(millis)).await;
                        log.record(format!("attempt {n} succeeds"));
                        Ok(value)
                    }
                    Step::Hang => {
                        std::future::pending::<()>().await;
                        unreachable!()
                    }
                };
                recorder.ended = true;
                result
            };
            Box::pin(Timeline::current().span(format!("attempt {n}"), attempt))
        }
    }

    /// The virtual ms at which each attempt started.
    fn starts(&self) -> Vec<u64> {
        self.events_ending_with("starts")
    }

    fn events_ending_with(&self, suffix: &str) -> Vec<u64> {
        self.log
            .events()
            .into_iter()
            .filter(|(_, event)| event.ends_with(suffix))
            .map(|(at, _)| at)
            .collect()
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }

    fn describe(&self, deadline_ms: i64) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Fail(t) => format!("fails after {t}ms"),
                Step::Succeed(t, v) => format!("Ok({v}) after {t}ms"),
                Step::Hang => "never ends".to_string(),
            })
            .collect();
        let deadline = match deadline_ms {
            0 => "a deadline that is exactly now".to_string(),
            d if d < 0 => format!("a deadline {}ms in the past", -d),
            d => format!("a deadline {d}ms away"),
        };
        format!(
            "retry_until({deadline}, an op whose attempts: {}{})",
            steps.join("; "),
            if steps.is_empty() {
                "fail at once"
            } else {
                "; later ones fail at once"
            }
        )
    }
}

/// What retry_until must do with a script and a deadline `deadline_ms` from
/// now (zero or negative: already there): the README's loop, step by step.
#[derive(Debug, PartialEq)]
struct Expected {
    starts: Vec<u64>,
    outcome: Outcome,
    returns_at: u64,
    /// The attempt still running at the deadline, if any.
    cut_off: Option<u32>,
}

fn expected(script: &Script, deadline_ms: i64) -> Expected {
    let mut now: i64 = 0;
    let mut backoff: i64 = 100;
    let mut attempts = 0u32;
    let mut last_error = None;
    let mut starts = Vec::new();
    loop {
        if now >= deadline_ms {
            return Expected {
                starts,
                outcome: Err(RetryError {
                    attempts,
                    last_error,
                }),
                returns_at: now as u64,
                cut_off: None,
            };
        }
        attempts += 1;
        starts.push(now as u64);
        let (takes, result) = match script.step(attempts) {
            Step::Fail(t) => (Some(t as i64), Err(error_of(attempts))),
            Step::Succeed(t, v) => (Some(t as i64), Ok(v)),
            Step::Hang => (None, Err(String::new())),
        };
        match takes {
            Some(t) if now + t <= deadline_ms => {
                now += t;
                match result {
                    Ok(value) => {
                        return Expected {
                            starts,
                            outcome: Ok(value),
                            returns_at: now as u64,
                            cut_off: None,
                        };
                    }
                    Err(error) => last_error = Some(error),
                }
                now = (now + backoff).min(deadline_ms);
                backoff *= 2;
            }
            _ => {
                return Expected {
                    starts,
                    outcome: Err(RetryError {
                        attempts,
                        last_error,
                    }),
                    returns_at: deadline_ms as u64,
                    cut_off: Some(attempts),
                };
            }
        }
    }
}

/// Starts the timeline a failing test shows: what retry_until should do
/// with `script` against a deadline `deadline_ms` from now, up to `until`
/// (when it returns, or when its caller gives up): each attempt from its
/// start until it ends or is cut off, and the backoff after each failure.
fn schedule_timeline(script: &Script, deadline_ms: i64, until: u64) -> Timeline {
    let want = expected(script, deadline_ms);
    let deadline = match deadline_ms {
        0 => "a deadline that is exactly now".to_string(),
        d if d < 0 => format!("a deadline {}ms in the past", -d),
        d => format!("a deadline {d}ms away"),
    };
    let timeline = Timeline::start(format!("retry_until({deadline}, a scripted op)"));
    timeline.expect("retry_until", ms(0), ms(until));
    for (index, &start) in want.starts.iter().enumerate() {
        if start > until {
            break;
        }
        let n = index as u32 + 1;
        let ends = match script.step(n) {
            Step::Fail(t) | Step::Succeed(t, _) => start + t,
            Step::Hang => u64::MAX,
        };
        let end = ends.min(want.returns_at).min(until);
        timeline.expect(format!("attempt {n}"), ms(start), ms(end));
        // After a failure (not a cut), wait until the next attempt starts,
        // or until retry_until gives up at the deadline.
        let failed = matches!(script.step(n), Step::Fail(_)) && want.cut_off != Some(n);
        let next = want
            .starts
            .get(index + 1)
            .copied()
            .unwrap_or(want.returns_at);
        if failed && next.min(until) > end {
            timeline.expect("backoff", ms(end), ms(next.min(until)));
        }
    }
    timeline
}

/// Runs retry_until on `script` against a deadline `deadline_ms` from now
/// and checks everything against the README's loop: the result, when it
/// returned, when each attempt started, and that an attempt still running
/// at the deadline was dropped. `why` says what a wrong schedule usually
/// means in this test.
async fn check(script: Script, deadline_ms: i64, why: &str) -> Script {
    let call = script.describe(deadline_ms);
    let want = expected(&script, deadline_ms);
    let timeline = schedule_timeline(&script, deadline_ms, want.returns_at);
    let deadline = if deadline_ms >= 0 {
        Instant::now() + ms(deadline_ms as u64)
    } else {
        Instant::now() - ms(deadline_ms.unsigned_abs())
    };
    let watch = Stopwatch::start();
    // A hang is anything that runs a minute past the deadline.
    let hang_limit = HANG_LIMIT + ms(deadline_ms.max(0) as u64);
    let result: Outcome = within(
        hang_limit,
        &call,
        no_spin(
            &call,
            timeline.span("retry_until", retry_until(deadline, script.op())),
        ),
    )
    .await;
    let returned_at = watch.elapsed_ms();
    let starts = script.starts();
    let schedule = if starts == want.starts {
        String::new()
    } else {
        format!("The attempts did not start on schedule. {BACKOFF_RULE}\n")
    };
    assert!(
        result == want.outcome && returned_at == want.returns_at && starts == want.starts,
        "{call}\nreturned {result:?} at {returned_at}ms, expected {:?} at {}ms.\n\
         Attempts started at {starts:?} ms, expected at {:?} ms.\n{schedule}{why}\n\
         What happened (virtual ms):\n{}",
        want.outcome,
        want.returns_at,
        want.starts,
        script.log
    );
    if let Err(error) = &result {
        // A caller prints this error: it must say how many attempts were
        // made and, if one failed, why.
        let printed = error.to_string();
        let mut says = vec![format!("after {} attempt(s)", error.attempts)];
        says.extend(error.last_error.iter().map(|e| format!("failed with: {e}")));
        assert!(
            says.iter().all(|part| printed.contains(part.as_str())),
            "{call}: the error printed as {printed:?}, which should say {says:?}. \
             RetryError's Display (given in the starter) was changed: put it back, so that \
             whoever gets this error can read how many attempts were made and why the \
             last one failed."
        );
    }
    if let Some(n) = want.cut_off {
        let cancelled = script.events_ending_with(&format!("attempt {n} cancelled"));
        assert_eq!(
            cancelled,
            [want.returns_at],
            "{call}: attempt {n} was still running at the deadline ({}ms), so it must have \
             been dropped (cancelled) by the time retry_until returned; the log says:\n{}\
             Race each attempt against the deadline itself (tokio::time::timeout_at, or \
             select! with sleep_until(deadline)) and do not spawn it: dropping a JoinHandle \
             does not stop its task.",
            want.returns_at,
            script.log
        );
    }
    script
}

/// Explains a wrong amount of virtual time, for any of the tests below.
const ON_TOKIO_TIME: &str = "The waits between attempts must be on tokio's clock \
     (tokio::time::sleep / sleep_until), so that other tasks run meanwhile and the \
     paused test clock can skip them. Attempts all at 0ms usually mean \
     std::thread::sleep: it blocks the thread for real, and tokio's clock never sees \
     the wait.";

const BACKOFF_RULE: &str = "The first attempt starts at once; after the first failure wait \
     100ms, after the second 200ms, then 400ms, 800ms...: each wait twice the one before, \
     counted from the moment the attempt failed.";

#[tokio::test(start_paused = true)]
async fn a_first_success_returns_at_once() {
    for_each_seed(16, |mut rng| async move {
        let deadline_ms = rng.odd_ms(100, 5000) as i64;
        let takes = if rng.chance(1, 2) {
            0
        } else {
            rng.odd_ms(1, deadline_ms as u64 - 1)
        };
        let value = rng.below(1000) as u32;
        let script = check(
            Script::new(vec![Step::Succeed(takes, value)]),
            deadline_ms,
            "The first attempt starts at once, with no wait before it, and its Ok is the \
             answer: there is nothing to retry.",
        )
        .await;
        assert_eq!(
            script.calls(),
            1,
            "the op was called {} times, expected once: an attempt that returns Ok is the \
             answer, there is nothing to retry.",
            script.calls()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn retries_with_backoff_until_an_attempt_succeeds() {
    // Attempts that fail at once: only the backoff moves the clock.
    for_each_seed(8, |mut rng| async move {
        let failures = rng.range(1, 6) as usize;
        let mut steps = vec![Step::Fail(0); failures];
        steps.push(Step::Succeed(0, rng.below(1000) as u32));
        check(
            Script::new(steps),
            60_000,
            &format!("{BACKOFF_RULE} {ON_TOKIO_TIME}"),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn backoff_is_counted_from_each_failure() {
    // Attempts that take time to fail: the next one starts a backoff after
    // the failure, not a backoff after the previous start.
    for_each_seed(16, |mut rng| async move {
        let failures = rng.range(1, 5) as usize;
        let mut steps: Vec<Step> = (0..failures)
            .map(|_| Step::Fail(rng.odd_ms(1, 900)))
            .collect();
        steps.push(Step::Succeed(rng.odd_ms(1, 900), rng.below(1000) as u32));
        check(
            Script::new(steps),
            60_000,
            &format!(
                "{BACKOFF_RULE} If each attempt started a backoff after the previous one \
                 STARTED, the backoff was counted from the start of the attempt instead of \
                 from its failure: sleep after the attempt returns its error."
            ),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn attempts_start_on_the_backoff_schedule() {
    // Every attempt takes 37ms and fails; the deadline is 2311ms away.
    let deadline = Instant::now() + ms(2311);
    let script = Script::new(vec![Step::Fail(37); 8]);
    let timeline = schedule_timeline(&script, 2311, 2311);
    let watch = Stopwatch::start();
    let result: Outcome = no_hang(
        "retry_until(an op that always fails after 37ms, deadline 2311ms)",
        timeline.span("retry_until", retry_until(deadline, script.op())),
    )
    .await;
    let report = format!(
        "{}retry_until returned {result:?} at {}ms\n",
        script.log,
        watch.elapsed_ms()
    );
    insta::with_settings!({
        description => "retry_until(deadline 2311ms away, an op whose every attempt takes 37ms \
            and fails). Each backoff is counted from the failure: 100ms after the first, \
            then 200, 400, 800. Attempt 5 fails at 1685ms; the next backoff (1.6s) would \
            end after the deadline, so retry_until gives up AT the deadline, 2311ms, not \
            later, with 5 attempts and the last error.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("backoff_schedule", report);
    });
}

/// When the attempt after `failures` starts, with no deadline in sight.
fn start_of_next_attempt(failures: &[Step]) -> u64 {
    let mut steps = failures.to_vec();
    steps.push(Step::Hang);
    *expected(&Script::new(steps), 60_000).starts.last().unwrap()
}

/// Failures of irregular length, and a deadline `inside` ms into the
/// backoff that follows failure number `k` (1-based), or exactly at its end.
fn deadline_after_failures(rng: &mut Rng, k: usize, inside: Option<u64>) -> (Script, i64) {
    let steps: Vec<Step> = (0..k).map(|_| Step::Fail(rng.odd_ms(1, 300))).collect();
    let mut failed_at = 0u64;
    let mut backoff = 100u64;
    for (index, step) in steps.iter().enumerate() {
        let Step::Fail(t) = step else { unreachable!() };
        failed_at += t;
        if index + 1 < k {
            failed_at += backoff;
            backoff *= 2;
        }
    }
    let deadline = failed_at + inside.unwrap_or(backoff);
    (Script::new(steps), deadline as i64)
}

#[tokio::test(start_paused = true)]
async fn gives_up_exactly_at_the_deadline_without_sleeping_past_it() {
    for_each_seed(16, |mut rng| async move {
        let k = rng.range(1, 5) as usize;
        let backoff = 100u64 << (k - 1);
        let inside = rng.odd_ms(1, backoff - 1);
        let (script, deadline_ms) = deadline_after_failures(&mut rng, k, Some(inside));
        check(
            script,
            deadline_ms,
            "The deadline falls in the middle of a backoff: retry_until must give up AT the \
             deadline, never sleep past it. Wait until the earlier of \"the backoff is over\" \
             and \"the deadline\" (sleep_until((now + backoff).min(deadline))).",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn no_attempt_starts_at_the_deadline() {
    for_each_seed(16, |mut rng| async move {
        let k = rng.range(1, 5) as usize;
        let (script, deadline_ms) = deadline_after_failures(&mut rng, k, None);
        let script = check(
            script,
            deadline_ms,
            "A backoff ends exactly at the deadline. An attempt is only started while the \
             deadline is still ahead (it would have no time to run): check `now >= \
             deadline`, not `now > deadline`.",
        )
        .await;
        assert_eq!(
            script.calls(),
            k as u32,
            "the op was called once too often."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_attempt_starts_when_a_backoff_ends_just_before_the_deadline() {
    // The backoff ends 1 ms (or a few) before the deadline: that is still
    // before it, so the next attempt starts, and it can finish in time
    // (at once, or exactly at the deadline).
    for_each_seed(16, |mut rng| async move {
        let k = rng.range(1, 5) as usize;
        let (script, end_of_backoff) = deadline_after_failures(&mut rng, k, None);
        let gap = if rng.chance(1, 2) {
            1
        } else {
            rng.range(2, 19)
        };
        let mut steps = script.steps.clone();
        steps.push(match rng.below(3) {
            0 => Step::Succeed(0, rng.below(1000) as u32),
            1 => Step::Succeed(gap, rng.below(1000) as u32),
            _ => Step::Fail(0),
        });
        let script = check(
            Script::new(steps),
            end_of_backoff + gap as i64,
            "A backoff ends shortly before the deadline: the deadline is still ahead, so the \
             next attempt starts (an attempt can be ready at once, or finish exactly at the \
             deadline). Give up only when `now >= deadline`: no margin such as \"too little \
             time left for an attempt\".",
        )
        .await;
        assert!(
            script.calls() > k as u32,
            "the op was called {} times, expected {}: the attempt due {gap}ms before the \
             deadline was never started.",
            script.calls(),
            k + 1
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_backoff_keeps_doubling_without_a_cap() {
    // Ten to sixteen quick failures, a deadline hours away: the waits grow
    // to 51.2 s, 102.4 s, ... up to nearly an hour. (On the paused clock
    // this costs nothing.)
    for_each_seed(8, |mut rng| async move {
        let failures = rng.range(10, 16) as usize;
        let mut steps: Vec<Step> = (0..failures)
            .map(|_| {
                if rng.chance(1, 2) {
                    Step::Fail(0)
                } else {
                    Step::Fail(rng.odd_ms(1, 300))
                }
            })
            .collect();
        steps.push(Step::Succeed(rng.odd_ms(1, 300), rng.below(1000) as u32));
        check(
            Script::new(steps),
            5 * 3_600_000,
            &format!(
                "{BACKOFF_RULE} The README's backoff has no maximum: after ten failures the \
                 wait is 51.2s, then 102.4s, and so on. A cap (30s, 60s, ...), common in \
                 real retry libraries, is not part of this kata."
            ),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_attempt_still_running_at_the_deadline_is_cancelled() {
    for_each_seed(16, |mut rng| async move {
        let failures = rng.range(1, 4) as usize;
        let mut steps: Vec<Step> = (0..failures)
            .map(|_| Step::Fail(rng.odd_ms(1, 200)))
            .collect();
        let starts_at = start_of_next_attempt(&steps);
        let runs_for = rng.odd_ms(10, 2000);
        steps.push(if rng.chance(1, 2) {
            Step::Hang
        } else {
            Step::Succeed(runs_for + rng.odd_ms(1, 3000), 7)
        });
        let deadline_ms = (starts_at + runs_for) as i64;
        let script = Script::new(steps);
        check(
            script,
            deadline_ms,
            "The last attempt is still running at the deadline: retry_until must give up \
             exactly then, with every attempt started counted (the one cut off too) and the \
             error of the last attempt that failed. Race each attempt against the deadline \
             itself (tokio::time::timeout_at(deadline, ..), or select! with \
             sleep_until(deadline)); a fresh relative timeout per attempt starts counting \
             when the attempt starts, and overruns the deadline.",
        )
        .await;
        assert_nothing_left_running("retry_until gave up", ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_attempt_finishing_exactly_at_the_deadline_counts() {
    // A tie is decided by which branch is polled first: played 32 times,
    // an unbiased select! loses about half.
    for_each_seed(32, |mut rng| async move {
        let failures = rng.range(0, 3) as usize;
        let mut steps: Vec<Step> = (0..failures)
            .map(|_| Step::Fail(rng.odd_ms(1, 200)))
            .collect();
        let starts_at = start_of_next_attempt(&steps);
        let takes = rng.odd_ms(1, 900);
        steps.push(if rng.chance(1, 2) {
            Step::Succeed(takes, 42)
        } else {
            Step::Fail(takes)
        });
        let deadline_ms = (starts_at + takes) as i64;
        check(
            Script::new(steps),
            deadline_ms,
            "The last attempt ends exactly at the deadline, and it counts: its Ok is \
             returned, its Err becomes the last error. tokio::time::timeout_at polls the \
             attempt before it looks at the clock; with select!, use `biased;` and put the \
             attempt's branch first.",
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_deadline_already_passed_makes_no_attempt() {
    for_each_seed(8, |mut rng| async move {
        let deadline_ms = if rng.chance(1, 2) {
            0
        } else {
            -(rng.odd_ms(1, 3000) as i64)
        };
        let script = check(
            Script::new(vec![Step::Succeed(0, 1)]),
            deadline_ms,
            "The deadline has already come: no attempt may start (it would have no time \
             to run), so retry_until gives up at once with 0 attempts and no error. Check \
             the deadline before the first attempt too.",
        )
        .await;
        assert_eq!(
            script.calls(),
            0,
            "the op was called although the deadline had passed."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn retry_until_waits_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let deadline_ms = rng.odd_ms(20_000, 50_000) as i64;
        // Either many quick failures (waits are backoffs), or two failures
        // and then an attempt that hangs until the deadline.
        let hangs = rng.chance(1, 2);
        let steps = if hangs {
            vec![Step::Fail(rng.odd_ms(1, 99)), Step::Fail(0), Step::Hang]
        } else {
            vec![Step::Fail(rng.odd_ms(1, 99))]
        };
        let script = Script::new(steps);
        let want = expected(&script, deadline_ms);
        let call = script.describe(deadline_ms);
        let timeline = schedule_timeline(&script, deadline_ms, want.returns_at);
        let wakeups = Wakeups::start();
        let result: Outcome = no_hang(
            &call,
            timeline.span(
                "retry_until",
                retry_until(Instant::now() + ms(deadline_ms as u64), script.op()),
            ),
        )
        .await;
        assert_eq!(result, want.outcome, "{call} returned {result:?}.");
        // Every attempt's and every backoff's timer costs a few wake-ups on
        // its way down tokio's timer wheel; nothing else may wake it.
        let timers = 2 * want.starts.len() as u64;
        wakeups.assert_at_most(
            ONE_TIMER * timers,
            ms(deadline_ms as u64),
            &format!("{call} was waiting ({} attempts)", want.starts.len()),
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_retry_until_stops_retrying() {
    for_each_seed(8, |mut rng| async move {
        let takes = rng.odd_ms(11, 300);
        let script = Script::new(vec![Step::Fail(takes); 12]);
        let deadline_ms = rng.odd_ms(5_000, 20_000);
        // The caller gives up while one of the first attempts is running.
        let want = expected(&script, deadline_ms as i64);
        let attempt_start = want.starts[rng.range(0, 3) as usize];
        let gives_up = attempt_start + rng.range(1, takes - 1);
        let call = script.describe(deadline_ms as i64);
        // Everything stops when the caller gives up.
        let timeline = schedule_timeline(&script, deadline_ms as i64, gives_up);
        let output = cancel_after(
            ms(gives_up),
            timeline.span(
                "retry_until",
                retry_until(Instant::now() + ms(deadline_ms), script.op()),
            ),
        )
        .await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} after {gives_up}ms."
        );
        let calls = script.calls();
        let cancelled = script.events_ending_with(&format!("attempt {calls} cancelled"));
        assert_eq!(
            cancelled,
            [gives_up],
            "{call}: its caller gave up after {gives_up}ms (it dropped retry_until's future) \
             while attempt {calls} was running; that attempt must be dropped with it. The \
             log says:\n{}",
            script.log
        );
        assert_nothing_left_running(
            &format!("the caller gave up on {call} after {gives_up}ms"),
            ms(60_000),
        )
        .await;
        assert_eq!(
            script.calls(),
            calls,
            "{call}: the op was called again after the caller had given up on retry_until. \
             Nothing may go on retrying in the background.\n{}",
            script.log
        );
    })
    .await;
}
