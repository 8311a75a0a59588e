//! Grading tests for kata 35: what `retry` and `map_concurrently` do.
//!
//! Every test runs on tokio's paused clock: time moves only when every task
//! waits on a timer, and then jumps straight to it, so each attempt's and
//! each call's start time is exact. Durations, counts, limits and values
//! come from fixed seeds and are irregular (odd milliseconds, shuffled,
//! repeated); a failing case prints its seed and the command that replays it.
//!
//! The closures these tests pass are plain closures that return a boxed
//! future (`move |attempt| lab.attempt(attempt)`): every bound accepts them,
//! `AsyncFn*` and the old `F: FnMut(X) -> Fut` alike, with or without
//! `Send` and `'static`. So these tests grade what your functions *do*.
//! What your *signatures* accept (an async closure that borrows from its
//! caller) is graded by `tests/compile_checks.rs`.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | the old bound `F: FnMut(u32) -> Fut` / `F: Fn(&T) -> Fut`: a borrowing async closure does not compile | `compile_checks` |
//! | `AsyncFn` for `retry`: a closure that changes what it captured does not compile | `compile_checks` |
//! | `Send`, `Sync`, `'static`, `Clone` or `Debug` asked of the closure, the items or the outputs | `compile_checks` |
//! | attempts numbered from 0, or one attempt too many or too few | `attempts_are_numbered_from_one_until_the_first_ok`, `gives_up_with_the_last_error_right_after_the_last_attempt` |
//! | the same delay every time, doubled before the first wait, or counted from the attempt's start | `waits_double_each_time_after_a_failure` |
//! | the delay computed as `first_delay * 2u32.pow(n - 1)` (or `1 << (n - 1)`): it overflows a `u32` from the 33rd wait on | `many_attempts_keep_doubling` |
//! | a wait after the last attempt, or the first error returned instead of the last | `gives_up_with_the_last_error_right_after_the_last_attempt` |
//! | `attempts == 0` taken as "no attempt" (or a panic) | `zero_attempts_still_make_one_attempt` |
//! | the delay waited by checking the clock in a loop | `waits_between_attempts_without_waking_up` |
//! | an attempt spawned as a task, left running when the caller gives up | `dropping_retry_stops_the_attempt_in_flight` |
//! | calls one after the other instead of `limit` at a time | `calls_start_the_moment_a_slot_frees`, `never_more_than_limit_calls_at_once` |
//! | every call at once (`join_all`), ignoring the limit | `never_more_than_limit_calls_at_once`, `calls_start_the_moment_a_slot_frees` |
//! | fixed batches of `limit` (`chunks` + `join_all`): the next call waits for the whole batch | `calls_start_the_moment_a_slot_frees` |
//! | `f(item)` called for every item up front (the futures collected first), only their polling limited: what a closure does when called runs for every item at once | `calls_start_the_moment_a_slot_frees` |
//! | outputs in the order the calls finished (`buffer_unordered`, `FuturesUnordered`), or sorted | `outputs_come_back_in_the_order_of_the_items` |
//! | `limit == 0` passed on as is (`buffered(0)` and `Semaphore::new(0)` never start a call; `chunks(0)` panics) | `a_zero_limit_runs_one_call_at_a_time` |
//! | waiting for a free slot in a `yield_now` loop | `calls_start_the_moment_a_slot_frees` (it never waits, so the clock cannot move) |
//! | calls spawned as tasks, left running when the caller gives up | `dropping_map_concurrently_stops_every_call` |

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::BoxFuture;
use kata_35_async_closures::{map_concurrently, retry};
use kata_support::{
    ConcurrencyProbe, DropFlag, HANG_LIMIT, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups,
    assert_nothing_left_running, cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin,
    panic_message, quiet_panics, track_drop, within,
};
use tokio::time::{Instant, sleep};

// ---------------------------------------------------------------- retry

/// One attempt of the test's operation: how long it takes, and whether it
/// succeeds.
#[derive(Debug, Clone, Copy)]
struct Step {
    takes: u64,
    ok: bool,
}

/// The operation `retry` is given: attempt `k` follows `plan[k - 1]`, and
/// every call is written down (which attempt number, when it started).
struct Script {
    plan: Vec<Step>,
    start: Instant,
    calls: Mutex<Vec<(u32, u64)>>,
    flags: Mutex<Vec<DropFlag>>,
}

impl Script {
    fn new(plan: Vec<Step>) -> Arc<Script> {
        Arc::new(Script {
            plan,
            start: Instant::now(),
            calls: Mutex::new(Vec::new()),
            flags: Mutex::new(Vec::new()),
        })
    }

    fn now_ms(&self) -> u64 {
        (Instant::now() - self.start).as_millis() as u64
    }

    /// What attempt `attempt` returns.
    fn outcome(attempt: u32, ok: bool) -> Result<String, String> {
        if ok {
            Ok(format!("page from attempt {attempt}"))
        } else {
            Err(format!("attempt {attempt} failed"))
        }
    }

    /// The future of one attempt (lazy: it starts when first polled).
    fn attempt(self: &Arc<Self>, attempt: u32) -> BoxFuture<'static, Result<String, String>> {
        let script = self.clone();
        let (flag, fut) = track_drop(async move {
            script
                .calls
                .lock()
                .unwrap()
                .push((attempt, script.now_ms()));
            let step = (attempt as usize)
                .checked_sub(1)
                .and_then(|index| script.plan.get(index).copied());
            match step {
                Some(step) => {
                    sleep(ms(step.takes)).await;
                    Script::outcome(attempt, step.ok)
                }
                None => Err(format!("attempt {attempt} should never have been made")),
            }
        });
        self.flags.lock().unwrap().push(flag);
        Box::pin(fut)
    }

    /// The closure handed to `retry`.
    fn op(
        self: &Arc<Self>,
    ) -> impl FnMut(u32) -> BoxFuture<'static, Result<String, String>>
    + AsyncFnMut(u32) -> Result<String, String>
    + Clone
    + Send
    + Sync
    + 'static {
        let script = self.clone();
        move |attempt| script.attempt(attempt)
    }

    fn calls(&self) -> Vec<(u32, u64)> {
        self.calls.lock().unwrap().clone()
    }

    /// What a correct `retry(attempts, first_delay, ..)` does with this
    /// plan: the (attempt, start ms) of every call, its result, and when it
    /// returns.
    fn expected(
        &self,
        attempts: u32,
        first_delay: u64,
    ) -> (Vec<(u32, u64)>, Result<String, String>, u64) {
        let mut calls = Vec::new();
        let mut now = 0;
        let mut delay = first_delay;
        for attempt in 1..=attempts.max(1) {
            let step = self.plan[attempt as usize - 1];
            calls.push((attempt, now));
            now += step.takes;
            if step.ok || attempt >= attempts.max(1) {
                return (calls, Script::outcome(attempt, step.ok), now);
            }
            now += delay;
            delay *= 2;
        }
        unreachable!()
    }

    fn describe(&self, attempts: u32, first_delay: u64) -> String {
        let steps: Vec<String> = self
            .plan
            .iter()
            .take(attempts.max(1) as usize)
            .map(|step| {
                format!(
                    "{} after {}",
                    if step.ok { "Ok" } else { "Err" },
                    fmt_duration(ms(step.takes))
                )
            })
            .collect();
        format!(
            "retry({attempts}, {}, an op whose attempts return [{}])",
            fmt_duration(ms(first_delay)),
            steps.join(", ")
        )
    }
}

/// A plan of `n` attempts where attempt `succeeds_at` (1-based) is the
/// first to succeed (`None`: every attempt fails).
fn plan(rng: &mut Rng, n: u32, succeeds_at: Option<u32>, longest: u64) -> Vec<Step> {
    (1..=n)
        .map(|attempt| Step {
            takes: if rng.chance(1, 5) {
                0
            } else {
                rng.odd_ms(1, longest)
            },
            ok: succeeds_at.is_some_and(|k| attempt >= k),
        })
        .collect()
}

/// Awaits `retry`, failing with a message if it spins, or if it is still
/// running long after it should have returned (four times as long, plus a
/// minute of virtual time: a wrong schedule is left to the assertions,
/// which say more than a hang guard can).
async fn guard<T>(call: &str, returns_at: u64, fut: impl Future<Output = T>) -> T {
    within(ms(4 * returns_at) + HANG_LIMIT, call, no_spin(call, fut)).await
}

fn fmt_calls(calls: &[(u32, u64)]) -> String {
    let calls: Vec<String> = calls
        .iter()
        .map(|(attempt, at)| format!("attempt {attempt} at {at}ms"))
        .collect();
    format!("[{}]", calls.join(", "))
}

#[tokio::test(start_paused = true)]
async fn attempts_are_numbered_from_one_until_the_first_ok() {
    for_each_seed(32, |mut rng| async move {
        let attempts = rng.range(1, 8) as u32;
        let succeeds_at = rng.range(1, attempts as u64) as u32;
        let first_delay = rng.odd_ms(1, 900);
        let script = Script::new(plan(&mut rng, attempts, Some(succeeds_at), 700));
        let call = script.describe(attempts, first_delay);
        let (expected_calls, expected_result, returns_at) = script.expected(attempts, first_delay);
        let result = guard(
            &call,
            returns_at,
            retry(attempts, ms(first_delay), script.op()),
        )
        .await;
        let numbers: Vec<u32> = script.calls().iter().map(|(attempt, _)| *attempt).collect();
        let expected_numbers: Vec<u32> = (1..=succeeds_at).collect();
        assert_eq!(
            numbers,
            expected_numbers,
            "{call} called the op with the attempt numbers {numbers:?}, expected \
             {expected_numbers:?}: the op is told which attempt it is, counting from 1, and \
             retry stops calling it at the first Ok. (The calls, with their start times: {}; \
             expected {}.)",
            fmt_calls(&script.calls()),
            fmt_calls(&expected_calls)
        );
        assert_eq!(
            result, expected_result,
            "{call} returned {result:?}, expected {expected_result:?}: the first Ok, as it is."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waits_double_each_time_after_a_failure() {
    for_each_seed(32, |mut rng| async move {
        let attempts = rng.range(2, 7) as u32;
        let succeeds_at = if rng.chance(1, 3) {
            None
        } else {
            Some(rng.range(2, attempts as u64) as u32)
        };
        let first_delay = rng.odd_ms(1, 900);
        let script = Script::new(plan(&mut rng, attempts, succeeds_at, 1500));
        let call = script.describe(attempts, first_delay);
        let watch = Stopwatch::start();
        let (expected_calls, expected_result, returns_at) = script.expected(attempts, first_delay);
        let result = guard(
            &call,
            returns_at,
            retry(attempts, ms(first_delay), script.op()),
        )
        .await;
        let calls = script.calls();
        assert_eq!(
            calls,
            expected_calls,
            "{call} made its attempts at {}, expected {}.\nAfter a failed attempt, retry waits \
             {} (first_delay), then twice as long after each further failure ({}, {}, …), and \
             each wait starts when the failed attempt returns (an attempt can take a while). \
             If every wait was the same, the delay was not doubled; if the first wait was \
             already doubled, it was doubled before sleeping instead of after; if an attempt \
             started earlier than expected after a slow attempt, the wait was counted from the \
             attempt's start. If no time passed at all, the wait did not use tokio's clock: \
             std::thread::sleep blocks the thread, and the paused test clock does not see it.",
            fmt_calls(&calls),
            fmt_calls(&expected_calls),
            fmt_duration(ms(first_delay)),
            fmt_duration(ms(2 * first_delay)),
            fmt_duration(ms(4 * first_delay)),
        );
        assert_eq!(result, expected_result, "{call} returned {result:?}.");
        watch.assert_elapsed(
            ms(returns_at),
            &call,
            "retry returns as soon as an attempt succeeds, or as soon as the last one fails.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn gives_up_with_the_last_error_right_after_the_last_attempt() {
    for_each_seed(32, |mut rng| async move {
        let attempts = rng.range(1, 7) as u32;
        let first_delay = rng.odd_ms(1, 2000);
        let script = Script::new(plan(&mut rng, attempts + 1, None, 900));
        let call = script.describe(attempts, first_delay);
        let watch = Stopwatch::start();
        let (expected_calls, _, returns_at) = script.expected(attempts, first_delay);
        let result = guard(
            &call,
            returns_at,
            retry(attempts, ms(first_delay), script.op()),
        )
        .await;
        let calls = script.calls();
        assert_eq!(
            calls.len(),
            attempts as usize,
            "{call}, whose attempts all fail, made {} attempts ({}), expected exactly \
             {attempts}: `attempts` counts every call, the first one included.",
            calls.len(),
            fmt_calls(&calls)
        );
        let last = Script::outcome(attempts, false);
        assert_eq!(
            result, last,
            "{call}, whose attempts all fail, returned {result:?}, expected {last:?}: when \
             retry gives up, it returns the error of the last attempt (the most recent news), \
             not the first one."
        );
        assert_eq!(
            calls,
            expected_calls,
            "{call} made its attempts at {}.",
            fmt_calls(&calls)
        );
        watch.assert_elapsed(
            ms(returns_at),
            &call,
            "retry gives up the moment the last attempt fails: there is no attempt left to \
             wait for, so it must not sleep after the last failure.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn zero_attempts_still_make_one_attempt() {
    for_each_seed(8, |mut rng| async move {
        let ok = rng.chance(1, 2);
        let takes = rng.odd_ms(1, 900);
        let first_delay = rng.odd_ms(1, 900);
        let script = Script::new(vec![Step { takes, ok }, Step { takes, ok }]);
        let call = script.describe(0, first_delay);
        let watch = Stopwatch::start();
        let result = guard(&call, takes, retry(0, ms(first_delay), script.op())).await;
        let calls = script.calls();
        assert_eq!(
            calls,
            [(1, 0)],
            "{call} made the attempts {}, expected exactly one, attempt 1 at 0ms: \
             `attempts == 0` counts as 1 (retry has nothing to return without a first \
             attempt).",
            fmt_calls(&calls)
        );
        let expected = Script::outcome(1, ok);
        assert_eq!(
            result, expected,
            "{call} returned {result:?}, expected {expected:?}."
        );
        watch.assert_elapsed(ms(takes), &call, "One attempt, and no wait after it.");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn many_attempts_keep_doubling() {
    for_each_seed(4, |mut rng| async move {
        // 34 or 35 attempts: the 33rd wait is 2^32 times first_delay, one
        // more than a u32 can count (virtual time: months, in a blink).
        let attempts = rng.range(34, 35) as u32;
        let succeeds_at = rng.chance(1, 2).then_some(attempts);
        let first_delay = rng.range(1, 2);
        let script = Script::new(plan(&mut rng, attempts, succeeds_at, 9));
        let call = format!(
            "retry({attempts}, {}, an op that fails {} times)",
            fmt_duration(ms(first_delay)),
            succeeds_at.map_or(attempts, |k| k - 1)
        );
        let (expected_calls, expected_result, returns_at) = script.expected(attempts, first_delay);
        let watch = Stopwatch::start();
        // A panic (an overflow) is caught, not printed, and reported with
        // what it means.
        let retrying =
            AssertUnwindSafe(quiet_panics(retry(attempts, ms(first_delay), script.op())));
        let result = match guard(&call, returns_at, retrying.catch_unwind()).await {
            Ok(result) => result,
            Err(payload) => {
                let calls = script.calls();
                let why = panic_message(&*payload);
                panic!(
                    "{call} panicked after {} attempts: {why}\nThe waits double each time, \
                     however many attempts there are: the wait after attempt n is \
                     first_delay × 2^(n-1), and from the 33rd wait on 2^(n-1) no longer fits a \
                     u32 (first_delay * 2u32.pow(n - 1) and 1 << (n - 1) overflow). Keep the \
                     delay in a Duration and double it after each wait (delay *= 2).",
                    calls.len()
                );
            }
        };
        let calls = script.calls();
        assert_eq!(
            calls,
            expected_calls,
            "{call} made its attempts at {}, expected {}: each wait twice the one before, \
             however many attempts there are.",
            fmt_calls(&calls),
            fmt_calls(&expected_calls)
        );
        assert_eq!(result, expected_result, "{call} returned {result:?}.");
        watch.assert_elapsed(
            ms(returns_at),
            &call,
            "retry returns as soon as an attempt succeeds, or as soon as the last one fails.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn waits_between_attempts_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let attempts = 4;
        let first_delay = rng.odd_ms(2000, 5000);
        let script = Script::new(
            (0..attempts)
                .map(|_| Step {
                    takes: 0,
                    ok: false,
                })
                .collect(),
        );
        let call = script.describe(attempts, first_delay);
        let wakeups = Wakeups::start();
        let watch = Stopwatch::start();
        // No spin guard here: a loop that checks the clock every
        // millisecond is what this test is for, and it says so better.
        let _ = within(
            ms(28 * first_delay) + HANG_LIMIT,
            &call,
            retry(attempts, ms(first_delay), script.op()),
        )
        .await;
        watch.assert_elapsed(
            ms(7 * first_delay),
            &call,
            "Three waits: first_delay, twice it, four times it.",
        );
        // Three waits, one timer each.
        wakeups.assert_at_most(
            3 * ONE_TIMER,
            ms(7 * first_delay),
            &format!("{call} was waiting"),
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_retry_stops_the_attempt_in_flight() {
    for_each_seed(16, |mut rng| async move {
        let attempts = rng.range(2, 6) as u32;
        let first_delay = rng.odd_ms(100, 900);
        let script = Script::new(
            (0..attempts)
                .map(|_| Step {
                    takes: rng.odd_ms(100, 900),
                    ok: false,
                })
                .collect(),
        );
        let (schedule, _, returns_at) = script.expected(attempts, first_delay);
        // Not at the very instant an attempt starts: which of the two
        // happens first is then the runtime's choice.
        let mut gives_up = rng.odd_ms(1, returns_at - 1);
        while schedule.iter().any(|(_, at)| *at == gives_up) {
            gives_up = rng.odd_ms(1, returns_at - 1);
        }
        let started: Vec<(u32, u64)> = schedule
            .iter()
            .copied()
            .filter(|(_, at)| *at <= gives_up)
            .collect();
        let call = format!(
            "{}, whose caller gives up after {gives_up}ms",
            script.describe(attempts, first_delay)
        );
        let output =
            cancel_after(ms(gives_up), retry(attempts, ms(first_delay), script.op())).await;
        assert!(
            output.is_none(),
            "{call}: retry returned {output:?} before the caller gave up, expected it to be \
             still busy (attempts {}).",
            fmt_calls(&script.calls())
        );
        for (index, flag) in script.flags.lock().unwrap().iter().enumerate() {
            flag.assert_dropped(&format!(
                "the future of attempt {} in {call}, by the time the caller gave up,",
                index + 1
            ));
        }
        assert_nothing_left_running(&call, ms(60_000)).await;
        let calls = script.calls();
        assert_eq!(
            calls,
            started,
            "{call}: the attempts made were {}, expected {} and nothing after the caller \
             gave up. When the caller drops retry's future, the attempt in flight is dropped \
             with it (so it stops), and no attempt may start later.",
            fmt_calls(&calls),
            fmt_calls(&started)
        );
    })
    .await;
}

// ---------------------------------------------------------------- map_concurrently

/// One item for `map_concurrently`: its call takes `takes` ms and returns
/// `(id, value)`.
#[derive(Debug, Clone)]
struct Job {
    id: u32,
    takes: u64,
    value: u64,
}

/// The world the calls run in: when each call started, how many ran at
/// once, whether each call's future was dropped.
struct Lab {
    start: Instant,
    probe: ConcurrencyProbe,
    jitter: Jitter,
    timeline: Option<Timeline>,
    started: Mutex<Vec<(u32, u64)>>,
    /// When `f` itself was called for each item (before its future runs).
    invoked: Mutex<Vec<(u32, u64)>>,
    flags: Mutex<Vec<(u32, DropFlag)>>,
}

impl Lab {
    fn new(jitter: Jitter, timeline: Option<Timeline>) -> Arc<Lab> {
        Arc::new(Lab {
            start: Instant::now(),
            probe: ConcurrencyProbe::new(),
            jitter,
            timeline,
            started: Mutex::new(Vec::new()),
            invoked: Mutex::new(Vec::new()),
            flags: Mutex::new(Vec::new()),
        })
    }

    fn now_ms(&self) -> u64 {
        (Instant::now() - self.start).as_millis() as u64
    }

    /// The future of one call (lazy: the call starts when first polled).
    fn call(self: &Arc<Self>, job: Job) -> BoxFuture<'static, (u32, u64)> {
        // A closure may do work when it is called, before its future runs
        // (a plain closure that spawns, or opens a connection): note when.
        self.invoked.lock().unwrap().push((job.id, self.now_ms()));
        let lab = self.clone();
        let label = format!("item {}", job.id);
        let timeline = self.timeline;
        let (flag, fut) = track_drop(async move {
            lab.started.lock().unwrap().push((job.id, lab.now_ms()));
            let _in_flight = lab.probe.enter();
            lab.jitter.pause().await;
            sleep(ms(job.takes)).await;
            (job.id, job.value)
        });
        self.flags.lock().unwrap().push((job.id, flag));
        match timeline {
            Some(timeline) => Box::pin(timeline.span(label, fut)),
            None => Box::pin(fut),
        }
    }

    /// The closure handed to `map_concurrently`.
    fn f(
        self: &Arc<Self>,
    ) -> impl Fn(&Job) -> BoxFuture<'static, (u32, u64)>
    + AsyncFn(&Job) -> (u32, u64)
    + Clone
    + Send
    + Sync
    + 'static {
        let lab = self.clone();
        move |job: &Job| lab.call(job.clone())
    }

    fn started(&self) -> Vec<(u32, u64)> {
        self.started.lock().unwrap().clone()
    }

    fn invoked(&self) -> Vec<(u32, u64)> {
        self.invoked.lock().unwrap().clone()
    }
}

fn jobs(rng: &mut Rng, takes: &[u64]) -> Vec<Job> {
    let ids = rng.permutation(takes.len());
    takes
        .iter()
        .zip(ids)
        .map(|(&takes, id)| Job {
            id: id as u32 + 1,
            takes,
            value: rng.below(1_000_000),
        })
        .collect()
}

fn describe(items: &[Job], limit: usize) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|job| format!("item {} ({}ms)", job.id, job.takes))
        .collect();
    format!("map_concurrently([{}], limit {limit}, f)", items.join(", "))
}

fn expected_outputs(items: &[Job]) -> Vec<(u32, u64)> {
    items.iter().map(|job| (job.id, job.value)).collect()
}

/// When each item's call starts (in item order) when the window is kept
/// full: the first `limit` start at once, then each next one the moment a
/// running call finishes.
fn window(items: &[Job], limit: usize) -> Vec<(u64, u64)> {
    let mut running: BinaryHeap<Reverse<u64>> = BinaryHeap::new();
    items
        .iter()
        .map(|job| {
            let start = if running.len() < limit.max(1) {
                0
            } else {
                running.pop().map_or(0, |Reverse(end)| end)
            };
            running.push(Reverse(start + job.takes));
            (start, start + job.takes)
        })
        .collect()
}

fn fmt_starts(started: &[(u32, u64)]) -> String {
    let starts: Vec<String> = started
        .iter()
        .map(|(id, at)| format!("item {id} at {at}ms"))
        .collect();
    format!("[{}]", starts.join(", "))
}

#[tokio::test(start_paused = true)]
async fn outputs_come_back_in_the_order_of_the_items() {
    for_each_seed(32, |mut rng| async move {
        let n = rng.range(0, 12) as usize;
        // Repeated durations too: then only the schedule decides which
        // call finishes first, and the seed's jitter changes it.
        let pool: Vec<u64> = (0..3).map(|_| rng.odd_ms(1, 900)).collect();
        let takes: Vec<u64> = (0..n)
            .map(|_| {
                if rng.chance(1, 2) {
                    *rng.pick(&pool)
                } else {
                    rng.odd_ms(1, 1500)
                }
            })
            .collect();
        let items = jobs(&mut rng, &takes);
        let limit = rng.range(1, 7) as usize;
        let lab = Lab::new(Jitter::new(rng.next_u64()), None);
        let call = describe(&items, limit);
        let outputs = no_hang(
            &call,
            no_spin(&call, map_concurrently(&items, limit, lab.f())),
        )
        .await;
        let expected = expected_outputs(&items);
        assert_eq!(
            outputs, expected,
            "{call} returned the (id, value) pairs {outputs:?}, expected {expected:?}: one \
             output per item, in the order of the items, whichever call finishes first. \
             Outputs in the order the calls finished come from buffer_unordered or a \
             FuturesUnordered; keep the order (StreamExt::buffered, join_all), or put each \
             output at its item's index."
        );
        let called: Vec<u32> = lab.started().iter().map(|(id, _)| *id).collect();
        let order: Vec<u32> = items.iter().map(|job| job.id).collect();
        assert_eq!(
            called, order,
            "{call} started the calls of the items {called:?}, expected {order:?}: exactly \
             one call per item, started in the order of the items."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn calls_start_the_moment_a_slot_frees() {
    for_each_seed(32, |mut rng| async move {
        let n = rng.range(3, 12) as usize;
        let limit = rng.range(2, n as u64 - 1) as usize;
        // Durations that grow along the items (an earlier call never
        // finishes after a later one), all different.
        let mut takes = rng.distinct_odd_ms(n, 1, 2000);
        takes.sort_unstable();
        let items = jobs(&mut rng, &takes);
        let call = describe(&items, limit);
        let timeline = Timeline::start(format!("{call}: when each call ran"));
        let schedule = window(&items, limit);
        for (job, (start, end)) in items.iter().zip(&schedule) {
            timeline.expect(format!("item {}", job.id), ms(*start), ms(*end));
        }
        let lab = Lab::new(Jitter::none(), Some(timeline));
        let watch = Stopwatch::start();
        let outputs = no_hang(
            &call,
            no_spin(&call, map_concurrently(&items, limit, lab.f())),
        )
        .await;
        assert_eq!(
            outputs,
            expected_outputs(&items),
            "{call} returned {outputs:?}."
        );
        let started = lab.started();
        let expected: Vec<(u32, u64)> = items
            .iter()
            .zip(&schedule)
            .map(|(job, (start, _))| (job.id, *start))
            .collect();
        assert_eq!(
            started,
            expected,
            "{call} started the calls at {}, expected {}.\nThe first {limit} calls start at \
             once, and each further call starts the moment a running call finishes, so that \
             {limit} are always running while items are left. Calls one after the other start \
             much later; fixed batches (chunks of {limit}, each awaited with join_all) make \
             every call of the next batch wait for the slowest call of the batch before; all \
             calls at 0ms ignore the limit.",
            fmt_starts(&started),
            fmt_starts(&expected)
        );
        let invoked = lab.invoked();
        assert_eq!(
            invoked,
            expected,
            "{call} called f for the items at {}, expected {} (the moment each call starts).\n\
             Call f(item) only when that item's call can start, as StreamExt::buffered does \
             (it calls the closure of `.map` when a slot is free) or a Semaphore permit taken \
             before f(item). Calling f for every item up front (collecting the futures first, \
             then polling `limit` of them at a time) limits only their polling: whatever a \
             closure does when it is called (a plain closure that spawns its work, or opens a \
             connection, then returns a future) happens for every item at once.",
            fmt_starts(&invoked),
            fmt_starts(&expected)
        );
        let last = schedule.iter().map(|(_, end)| *end).max().unwrap_or(0);
        watch.assert_elapsed(ms(last), &call, "It returns when the last call finishes.");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn never_more_than_limit_calls_at_once() {
    for_each_seed(32, |mut rng| async move {
        let n = rng.range(2, 16) as usize;
        let limit = rng.range(1, 8) as usize;
        let takes: Vec<u64> = (0..n).map(|_| rng.odd_ms(1, 1500)).collect();
        let items = jobs(&mut rng, &takes);
        let lab = Lab::new(Jitter::new(rng.next_u64()), None);
        let call = describe(&items, limit);
        let outputs = no_hang(
            &call,
            no_spin(&call, map_concurrently(&items, limit, lab.f())),
        )
        .await;
        assert_eq!(
            outputs,
            expected_outputs(&items),
            "{call} returned {outputs:?}."
        );
        lab.probe.assert_peak_at_most(limit, &call);
        let peak = lab.probe.peak();
        let full = limit.min(n);
        assert_eq!(
            peak, full,
            "{call}: at most {peak} calls ran at the same time, expected {full}: with {n} items \
             and a limit of {limit}, the first {full} calls run together. Are the calls \
             awaited one after the other?"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_zero_limit_runs_one_call_at_a_time() {
    for_each_seed(8, |mut rng| async move {
        let n = rng.range(1, 6) as usize;
        let takes: Vec<u64> = (0..n).map(|_| rng.odd_ms(1, 900)).collect();
        let items = jobs(&mut rng, &takes);
        let lab = Lab::new(Jitter::none(), None);
        let call = describe(&items, 0);
        let watch = Stopwatch::start();
        let outputs = no_hang(&call, no_spin(&call, map_concurrently(&items, 0, lab.f()))).await;
        assert_eq!(
            outputs,
            expected_outputs(&items),
            "{call} returned {outputs:?}: a limit of 0 counts as 1."
        );
        let peak = lab.probe.peak();
        assert_eq!(
            peak, 1,
            "{call} ran {peak} calls at the same time, expected 1: a limit of 0 counts as 1. \
             (StreamExt::buffered(0) and Semaphore::new(0) never let a call start, and \
             chunks(0) panics: use limit.max(1).)"
        );
        watch.assert_elapsed(
            ms(takes.iter().sum()),
            &call,
            "With one call at a time, the calls run one after the other.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_map_concurrently_stops_every_call() {
    for_each_seed(16, |mut rng| async move {
        let n = rng.range(3, 10) as usize;
        let limit = rng.range(1, n as u64 - 1) as usize;
        let takes: Vec<u64> = (0..n).map(|_| rng.odd_ms(500, 3000)).collect();
        let items = jobs(&mut rng, &takes);
        let lab = Lab::new(Jitter::none(), None);
        let gives_up = rng.odd_ms(1, 499);
        let call = format!(
            "{}, whose caller gives up after {gives_up}ms",
            describe(&items, limit)
        );
        let output = cancel_after(ms(gives_up), map_concurrently(&items, limit, lab.f())).await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} before any call could finish."
        );
        let started = lab.started();
        assert_eq!(
            started.len(),
            limit,
            "{call}: {} calls had started when the caller gave up ({}), expected {limit} (the \
             first {limit} items).",
            started.len(),
            fmt_starts(&started)
        );
        for (id, flag) in lab.flags.lock().unwrap().iter() {
            flag.assert_dropped(&format!(
                "the future of the call for item {id} in {call}, when the caller gave up,"
            ));
        }
        assert_nothing_left_running(&call, ms(60_000)).await;
        let later = lab.started();
        assert_eq!(
            later,
            started,
            "{call}: calls started after the caller had given up ({}). When the caller drops \
             map_concurrently's future, the calls in flight are dropped with it, and no other \
             call may start.",
            fmt_starts(&later)
        );
    })
    .await;
}
