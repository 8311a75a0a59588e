//! Grading tests for kata 07: implement a timeout.
//!
//! Every test runs on a paused clock: time only moves when the runtime has
//! nothing to do but wait for a timer, and then jumps straight to it. So a
//! 5 s future costs no real time, and every elapsed time is exact. Inputs
//! are seeded and irregular (limits such as 317 ms, never a multiple of
//! 5 ms), so code that checks the clock every 10 ms cannot land on them by
//! luck; a failing case prints its seed and the command that replays it.
//!
//! The mistakes a learner makes, and the test that catches each:
//!
//! | mistake | caught by |
//! |---|---|
//! | awaits the future, then compares the elapsed time (returns when the work ends) | `a_slow_future_times_out_at_exactly_the_limit` |
//! | a deadline on `std::time::Instant` (the paused clock never moves it: no timeout at all) | `a_slow_future_times_out_at_exactly_the_limit`, `a_future_that_never_finishes_still_times_out` |
//! | waits for the work before anything else, so work that hangs hangs the timeout | `a_future_that_never_finishes_still_times_out` |
//! | checks the clock every 10 ms instead of awaiting a timer (overshoots odd limits) | `a_slow_future_times_out_at_exactly_the_limit` |
//! | checks the clock every millisecond (lands on every limit, but never rests) | `with_timeout_waits_without_waking_up` |
//! | checks the clock in a loop around `yield_now()` (never sleeps: the paused clock cannot move) | `a_slow_future_times_out_at_exactly_the_limit` |
//! | waits for the timer even when the work is done | `a_fast_future_is_ok_as_soon_as_it_finishes` |
//! | a timer in a spawned "watchdog" task, left running after `Ok` | `a_fast_future_is_ok_as_soon_as_it_finishes` |
//! | the timer's branch first in a `biased;` select, or no `biased;` (a tie goes to the timer) | `a_future_finishing_exactly_at_the_limit_wins_the_tie` |
//! | a zero limit special-cased: "no limit", or "give up without polling" | `a_ready_future_is_ok_even_with_a_zero_limit` |
//! | spawns the work and drops its `JoinHandle` on timeout (the task leaks) | `the_timed_out_future_is_dropped_and_nothing_leaks` |
//! | spawns the work and aborts it on timeout, but not when the caller gives up | `dropping_with_timeout_cancels_the_work` |
//! | extra bounds on the future or its output (`Send`, `'static`, `Unpin`, `Debug`) | `any_future` (a test file that must compile) |
//! | `first_within`: ops one after another, or a fresh relative timeout per op | `first_within_returns_at_the_shared_deadline` |
//! | `first_within`: waits for every op, ignoring the deadline | `first_within_returns_at_the_shared_deadline` |
//! | `first_within`: one timeout around the whole batch (every entry `None` when one op is late) | `first_within_returns_at_the_shared_deadline` |
//! | `first_within`: results in completion order (or sorted), not in the order of `ops` | `first_within_returns_at_the_shared_deadline`, `first_within_keeps_what_finished_by_the_deadline_in_input_order` |
//! | `first_within`: always waits for the deadline, even when every op is done | `first_within_returns_early_when_every_op_is_done` |
//! | `first_within`: checks "all done?" only after an op finishes, so no ops waits for the deadline | `an_empty_batch_returns_at_once` |
//! | `TimedOut` carries the time waited instead of the limit (they differ for a sub-millisecond part) | `the_error_carries_the_limit_even_when_it_is_not_whole_milliseconds` |
//! | `first_within`: the deadline wins a tie with an op | `an_op_finishing_exactly_at_the_deadline_counts` |
//! | `first_within`: a deadline already reached returns all `None` without polling | `a_deadline_already_reached_still_polls_every_op_once` |
//! | `first_within`: late ops spawned and detached, or aborted but not yet dropped | `first_within_drops_the_ops_that_miss_the_deadline` |
//! | `first_within`: ops left running when the caller gives up | `dropping_first_within_cancels_every_op` |
//! | `first_within`: checks the ops and the clock every millisecond | `first_within_waits_without_waking_up` |

use std::time::Duration;

use futures::future::BoxFuture;
use kata_07_timeout::{TimedOut, first_within, with_timeout};
use kata_support::{
    DropFlag, Jitter, ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_nothing_left_running,
    cancel_after, fmt_duration, for_each_seed, ms, no_hang, no_spin, track_drop,
};
use tokio::time::Instant;

/// A lazy future that finishes `millis` after it is first polled.
async fn after<T>(millis: u64, value: T) -> T {
    tokio::time::sleep(ms(millis)).await;
    value
}

/// How long a piece of work takes: `Some(ms)` after it is first polled
/// (`Some(0)`: ready at the first poll), or `None`: never.
fn work<T: Send + 'static>(takes: Option<u64>, value: T) -> BoxFuture<'static, T> {
    match takes {
        Some(0) => Box::pin(async move { value }),
        Some(millis) => Box::pin(after(millis, value)),
        None => Box::pin(async move {
            std::future::pending::<()>().await;
            value
        }),
    }
}

fn describe(takes: Option<u64>) -> String {
    match takes {
        Some(0) => "a future that is ready at once".to_string(),
        Some(millis) => format!("a future that takes {}", fmt_duration(ms(millis))),
        None => "a future that never finishes".to_string(),
    }
}

/// Starts the timeline a failing `with_timeout` test shows: the work (the
/// future given to with_timeout) should run from the start until it
/// finishes or is cut off at `ends_at`, and with_timeout return then. The
/// test wraps the work in `timeline.span("work", ..)` and the call in
/// `timeline.span("with_timeout", ..)`, so the learner's bars sit below.
fn timeline_of_a_call(call: &str, ends_at: u64) -> Timeline {
    let timeline = Timeline::start(call);
    timeline.expect("with_timeout", ms(0), ms(ends_at));
    timeline.expect("work", ms(0), ms(ends_at));
    timeline
}

const WHY_NOT_AT_THE_LIMIT: &str = "A timeout must give up when the limit is reached, \
     without waiting for the work to finish: race the future against \
     tokio::time::sleep(limit) in select! instead of awaiting it first and \
     checking the time afterwards. If it gave up a few ms late, it checks the clock \
     in a loop (sleep 10ms, look, sleep again) instead of awaiting one timer that \
     fires at the limit. If you measure time with std::time::Instant: that is the \
     operating system's clock, which tokio's paused test clock does not move; use \
     tokio::time instead.";

// ---------------------------------------------------------------- with_timeout

#[tokio::test(start_paused = true)]
async fn a_slow_future_times_out_at_exactly_the_limit() {
    for_each_seed(32, |mut rng| async move {
        let limit = rng.odd_ms(1, 5000);
        let takes = Some(limit + rng.odd_ms(1, 4000));
        let call = format!(
            "with_timeout({}, {})",
            fmt_duration(ms(limit)),
            describe(takes)
        );
        // The work is cut off at the limit, and with_timeout returns then.
        let timeline = timeline_of_a_call(&call, limit);
        let slow = timeline.span("work", work(takes, "done"));
        let watch = Stopwatch::start();
        let result = no_hang(
            &call,
            no_spin(
                &call,
                timeline.span("with_timeout", with_timeout(ms(limit), slow)),
            ),
        )
        .await;
        watch.assert_elapsed(ms(limit), &call, WHY_NOT_AT_THE_LIMIT);
        assert_eq!(
            result,
            Err(TimedOut { limit: ms(limit) }),
            "{call} returned {result:?}, expected Err(TimedOut {{ limit: {limit}ms }}): the \
             future was still running at the limit, and the error carries the limit that \
             was exceeded."
        );
    })
    .await;
}

/// with_timeout(limit, a future that never finishes): Err at exactly the
/// limit, the future dropped.
async fn check_never_finishing(limit: u64) {
    let call = format!(
        "with_timeout({}, a future that never finishes)",
        fmt_duration(ms(limit))
    );
    // The work never finishes: it is cut off at the limit.
    let timeline = timeline_of_a_call(&call, limit);
    let (flag, never) = track_drop(timeline.span("work", work(None, 0u32)));
    let watch = Stopwatch::start();
    let guard = ms(60_000);
    let call_it = no_spin(
        &call,
        timeline.span("with_timeout", with_timeout(ms(limit), never)),
    );
    let Ok(result) = tokio::time::timeout(guard, call_it).await else {
        panic!(
            "{call} was still running after {} of virtual time. A timeout exists precisely \
             for work that hangs: it must not wait for the future at all, only race it \
             against tokio::time::sleep(limit). (std::time::Instant does not move on the \
             paused test clock, so a deadline measured with it never arrives.)",
            fmt_duration(guard)
        );
    };
    assert_eq!(
        result,
        Err(TimedOut { limit: ms(limit) }),
        "{call} returned {result:?}, expected Err(TimedOut {{ limit: {limit}ms }})."
    );
    // A caller prints this error: it must say which limit ran out.
    let printed = TimedOut { limit: ms(limit) }.to_string();
    assert_eq!(
        printed,
        format!("timed out after {:?}", ms(limit)),
        "TimedOut's Display (given in the starter) was changed: it printed {printed:?}. \
         Whoever gets this error prints it, and it must say which limit ran out: put \
         the starter's `impl fmt::Display for TimedOut` back."
    );
    watch.assert_elapsed(ms(limit), &call, WHY_NOT_AT_THE_LIMIT);
    flag.assert_dropped(&format!("the future that never finishes, in {call},"));
}

#[tokio::test(start_paused = true)]
async fn a_future_that_never_finishes_still_times_out() {
    // One round limit (the grader's own tests rely on this case being the
    // only with_timeout call with a 2s limit), then seeded odd ones.
    check_never_finishing(2000).await;
    for_each_seed(8, |mut rng| async move {
        check_never_finishing(rng.odd_ms(1, 9000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_fast_future_is_ok_as_soon_as_it_finishes() {
    for_each_seed(32, |mut rng| async move {
        let limit = rng.odd_ms(20, 5000);
        let takes = if rng.chance(1, 5) {
            0
        } else {
            rng.odd_ms(1, limit - 1)
        };
        let value = rng.below(1_000_000) as u32;
        let call = format!(
            "with_timeout({}, {} and returns {value})",
            fmt_duration(ms(limit)),
            describe(Some(takes))
        );
        // The work finishes in time, and with_timeout returns with it.
        let timeline = timeline_of_a_call(&call, takes);
        let fast = timeline.span("work", work(Some(takes), value));
        let watch = Stopwatch::start();
        let result = no_hang(
            &call,
            timeline.span("with_timeout", with_timeout(ms(limit), fast)),
        )
        .await;
        assert_eq!(
            result,
            Ok(value),
            "{call} returned {result:?}, expected Ok({value}): the future finished within \
             the limit."
        );
        watch.assert_elapsed(
            ms(takes),
            &call,
            "with_timeout must return as soon as the future finishes. If it returned at \
             the limit, it waited for the timer although the work was already done.",
        );
        // Nothing of the race may outlive it: not the timer, not a task.
        assert_nothing_left_running(&format!("{call} returned Ok"), ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_future_finishing_exactly_at_the_limit_wins_the_tie() {
    // A tie is decided by which branch is polled first, so play it many
    // times: an unbiased select! picks a random branch first and loses
    // about half of them.
    for_each_seed(32, |mut rng| async move {
        let limit = rng.odd_ms(1, 3000);
        let value = rng.below(1000) as u32;
        let call = format!(
            "with_timeout({}, a future that finishes exactly at {} and returns {value})",
            fmt_duration(ms(limit)),
            fmt_duration(ms(limit))
        );
        let watch = Stopwatch::start();
        let result = no_hang(&call, with_timeout(ms(limit), after(limit, value))).await;
        assert_eq!(
            result,
            Ok(value),
            "{call} returned {result:?}, expected Ok({value}). When the future and the \
             timer are ready at the same instant, the future's output wins: put the \
             future's branch first in select! and start it with `biased;`. Without \
             `biased;`, select! polls the branches in a random order and a tie goes \
             either way."
        );
        watch.assert_elapsed(
            ms(limit),
            &call,
            "Both the future and the timer are ready at the limit.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_ready_future_is_ok_even_with_a_zero_limit() {
    let watch = Stopwatch::start();
    let result = no_hang(
        "with_timeout(0ms, a future that is ready at once)",
        with_timeout(Duration::ZERO, async { 7 }),
    )
    .await;
    assert_eq!(
        result,
        Ok(7),
        "with_timeout(Duration::ZERO, a future that is ready at once) returned {result:?}, \
         expected Ok(7): a zero limit is an ordinary race. The future is polled first, \
         and its output wins the tie with the (already expired) timer. Do not treat zero \
         as a special case."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "with_timeout(0ms, a future that is ready at once)",
        "Nothing needs to wait here.",
    );

    // A zero limit cuts the work off at once: polled once, then dropped.
    let timeline = timeline_of_a_call("with_timeout(0ms, a future that takes 1013ms)", 0);
    let (flag, slow) = track_drop(timeline.span("work", after(1013, 8)));
    let result = no_hang(
        "with_timeout(0ms, a future that takes 1013ms)",
        timeline.span("with_timeout", with_timeout(Duration::ZERO, slow)),
    )
    .await;
    assert_eq!(
        result,
        Err(TimedOut {
            limit: Duration::ZERO
        }),
        "with_timeout(Duration::ZERO, a future that takes 1013ms) returned {result:?}, \
         expected Err(TimedOut {{ limit: 0ns }}): a zero limit means no time at all, not \
         \"no limit\". Do not treat zero as a special case: the race against \
         sleep(Duration::ZERO) already does the right thing."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "with_timeout(0ms, a future that takes 1013ms)",
        "A zero limit gives up at once.",
    );
    flag.assert_dropped("the future that missed the zero limit");
}

#[tokio::test(start_paused = true)]
async fn the_error_carries_the_limit_even_when_it_is_not_whole_milliseconds() {
    // tokio's timers have millisecond resolution, so a limit such as
    // 317.4 ms fires at 318 ms: the time actually waited is not the limit.
    for_each_seed(16, |mut rng| async move {
        let limit = ms(rng.odd_ms(0, 3000)) + Duration::from_micros(rng.range(1, 999));
        let never = rng.chance(1, 2);
        let takes = if never {
            None
        } else {
            Some(limit.as_millis() as u64 + rng.odd_ms(2, 2000))
        };
        let call = format!("with_timeout({limit:?}, {})", describe(takes));
        let watch = Stopwatch::start();
        // The timer fires on the millisecond after the limit.
        let timeline = timeline_of_a_call(&call, limit.as_micros().div_ceil(1000) as u64);
        let slow = timeline.span("work", work(takes, "done"));
        let result = no_hang(
            &call,
            timeline.span("with_timeout", with_timeout(limit, slow)),
        )
        .await;
        let waited = watch.elapsed();
        assert_eq!(
            result,
            Err(TimedOut { limit }),
            "{call} returned {result:?}, expected Err(TimedOut {{ limit: {limit:?} }}): the \
             error carries the limit it was given, exactly, not the time measured while \
             waiting (the timer fires on a whole millisecond, so the two differ)."
        );
        assert!(
            waited >= limit && waited <= limit + ms(1),
            "{call} gave up after {waited:?}, expected at the limit (tokio's timer rounds it \
             up to the next millisecond at most)."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_timed_out_future_is_dropped_and_nothing_leaks() {
    for_each_seed(8, |mut rng| async move {
        let limit = rng.odd_ms(1, 3000);
        let takes = limit + rng.odd_ms(1, 3000);
        let call = format!(
            "with_timeout({}, {})",
            fmt_duration(ms(limit)),
            describe(Some(takes))
        );
        // Cut off at the limit: a task left running shows as a bar that
        // goes on past it.
        let timeline = timeline_of_a_call(&call, limit);
        let (flag, slow) = track_drop(timeline.span("work", after(takes, "done")));
        let result = no_hang(
            &call,
            timeline.span("with_timeout", with_timeout(ms(limit), slow)),
        )
        .await;
        assert!(
            result.is_err(),
            "{call} returned {result:?}, expected Err(TimedOut {{ .. }})."
        );
        // Checked the moment with_timeout returns: cancellation is immediate.
        flag.assert_dropped(&format!(
            "the future that timed out, in {call}, by the time with_timeout returned,"
        ));
        assert_nothing_left_running(&format!("{call} returned"), ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn with_timeout_waits_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let limit = rng.odd_ms(20_000, 50_000);
        let call = format!(
            "with_timeout({}, a future that never finishes)",
            fmt_duration(ms(limit))
        );
        let wakeups = Wakeups::start();
        let timeline = timeline_of_a_call(&call, limit);
        let never = timeline.span("work", work(None, 0u32));
        let result = no_hang(
            &call,
            timeline.span("with_timeout", with_timeout(ms(limit), never)),
        )
        .await;
        assert_eq!(
            result,
            Err(TimedOut { limit: ms(limit) }),
            "{call} returned {result:?}."
        );
        // One timer costs a few wake-ups on its way down tokio's timer
        // wheel (ONE_TIMER); a loop that looks at the clock every
        // millisecond costs one per millisecond.
        wakeups.assert_at_most(ONE_TIMER, ms(limit), &format!("{call} was waiting"));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_with_timeout_cancels_the_work() {
    for_each_seed(8, |mut rng| async move {
        let limit = rng.odd_ms(2000, 9000);
        let gives_up = rng.odd_ms(1, limit - 1);
        let call = format!(
            "with_timeout({}, a future that never finishes)",
            fmt_duration(ms(limit))
        );
        // Everything stops when the caller gives up.
        let timeline = timeline_of_a_call(&format!("{call}, dropped after {gives_up}ms"), gives_up);
        let (flag, slow) = track_drop(timeline.span("work", work(None, 0u32)));
        // The caller has its own, shorter timeout: it drops with_timeout's
        // future mid-way, and with it everything with_timeout started.
        let output = cancel_after(
            ms(gives_up),
            timeline.span("with_timeout", with_timeout(ms(limit), slow)),
        )
        .await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} after {gives_up}ms, before its limit."
        );
        flag.assert_dropped(&format!(
            "the work inside {call}, whose caller gave up after {gives_up}ms (it dropped \
             with_timeout's future),"
        ));
        assert_nothing_left_running(
            &format!("the caller gave up on {call} after {gives_up}ms"),
            ms(60_000),
        )
        .await;
    })
    .await;
}

// ---------------------------------------------------------------- first_within

/// One op of a batch: how long it takes (see [`work`]) and its value.
#[derive(Debug, Clone, Copy)]
struct Op {
    takes: Option<u64>,
    value: u32,
}

/// A batch of ops against a deadline `deadline_ms` away, and what
/// `first_within` must make of it.
struct Batch {
    deadline_ms: u64,
    ops: Vec<Op>,
}

impl Batch {
    /// `n` ops with shuffled, distinct values that do not sort into input
    /// order; `late` of them miss the deadline (some never finish), the rest
    /// finish strictly before it (some at once).
    fn random(rng: &mut Rng, deadline_ms: u64, n: usize, late: usize) -> Batch {
        let mut values: Vec<u32> = (0..n as u32).map(|i| 100 + i * 37 % 91).collect();
        rng.shuffle(&mut values);
        let mut ops: Vec<Op> = (0..n)
            .map(|i| {
                let takes = if i < late {
                    if rng.chance(1, 3) {
                        None
                    } else {
                        Some(deadline_ms + rng.odd_ms(1, 3000))
                    }
                } else if rng.chance(1, 5) {
                    Some(0)
                } else {
                    Some(rng.odd_ms(1, deadline_ms - 1))
                };
                Op {
                    takes,
                    value: values[i],
                }
            })
            .collect();
        rng.shuffle(&mut ops);
        Batch { deadline_ms, ops }
    }

    fn expected(&self) -> Vec<Option<u32>> {
        self.ops
            .iter()
            .map(|op| match op.takes {
                Some(t) if t <= self.deadline_ms => Some(op.value),
                _ => None,
            })
            .collect()
    }

    /// When first_within must return: at the deadline if an op misses it,
    /// else when the slowest op is done.
    fn returns_at(&self) -> u64 {
        let mut at = 0;
        for op in &self.ops {
            match op.takes {
                Some(t) if t <= self.deadline_ms => at = at.max(t),
                _ => return self.deadline_ms,
            }
        }
        at
    }

    /// Starts the timeline a failing first_within test shows: every op runs
    /// from the start, until it finishes or is cut off when first_within
    /// returns at `ends_at` (the deadline, or earlier when every op is
    /// done, or when the caller gives up).
    fn timeline(&self, ends_at: u64) -> Timeline {
        let title = format!(
            "first_within(a deadline {}ms away, {} ops)",
            self.deadline_ms,
            self.ops.len()
        );
        let timeline = Timeline::start(title);
        timeline.expect("first_within", ms(0), ms(ends_at));
        for (index, op) in self.ops.iter().enumerate() {
            let end = op.takes.map_or(ends_at, |takes| takes.min(ends_at));
            timeline.expect(format!("op {index}"), ms(0), ms(end));
        }
        timeline
    }

    /// The ops, each starting with a few seeded yields (which reorder how
    /// the ops are first polled, without moving the clock), tracked for
    /// drop, and drawn on the timeline as `op <index>`.
    fn futures(&self, jitter: &Jitter) -> (Vec<DropFlag>, Vec<BoxFuture<'static, u32>>) {
        self.ops
            .iter()
            .enumerate()
            .map(|(index, op)| {
                let jitter = jitter.clone();
                let inner = work(op.takes, op.value);
                let op = async move {
                    jitter.pause().await;
                    inner.await
                };
                let (flag, tracked) =
                    track_drop(Timeline::current().span(format!("op {index}"), op));
                (flag, Box::pin(tracked) as BoxFuture<'static, u32>)
            })
            .unzip()
    }

    fn describe(&self) -> String {
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|op| match op.takes {
                Some(0) => format!("{} at once", op.value),
                Some(t) => format!("{} after {t}ms", op.value),
                None => format!("never ({})", op.value),
            })
            .collect();
        format!(
            "first_within(a deadline {}ms away, ops returning [{}])",
            self.deadline_ms,
            ops.join(", ")
        )
    }
}

fn deadline_in(millis: u64) -> Instant {
    Instant::now() + ms(millis)
}

#[tokio::test(start_paused = true)]
async fn first_within_returns_at_the_shared_deadline() {
    for_each_seed(32, |mut rng| async move {
        let deadline_ms = rng.odd_ms(50, 3000);
        let n = rng.range(2, 9) as usize;
        let late = rng.range(1, n as u64 - 1) as usize;
        let batch = Batch::random(&mut rng, deadline_ms, n, late);
        let call = batch.describe();
        let timeline = batch.timeline(deadline_ms);
        let (_flags, ops) = batch.futures(&Jitter::new(rng.next_u64()));
        let deadline = deadline_in(deadline_ms);
        let watch = Stopwatch::start();
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline, ops)),
        )
        .await;
        watch.assert_elapsed(
            ms(deadline_ms),
            &call,
            "Some op misses the deadline, so first_within returns exactly at the deadline. \
             Every op must run at the same time, against the same deadline: the instant \
             you were given, not a fresh time limit per op. If the ops run one after the \
             other, or each gets its own timeout, the later ones start late and the whole \
             call overruns the deadline; if it returned when the slowest op finished, the \
             ops were not raced against the deadline at all.",
        );
        assert_eq!(
            results,
            batch.expected(),
            "{call} returned {results:?}, expected {:?}: one entry per op, in the order of \
             `ops` (not the order they finished in), Some(value) for each op that \
             finished by the deadline and None for each that did not.",
            batch.expected()
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn first_within_returns_early_when_every_op_is_done() {
    for_each_seed(32, |mut rng| async move {
        let deadline_ms = rng.odd_ms(50, 3000);
        let n = rng.range(1, 8) as usize;
        let batch = Batch::random(&mut rng, deadline_ms, n, 0);
        let call = batch.describe();
        let timeline = batch.timeline(batch.returns_at());
        let (_flags, ops) = batch.futures(&Jitter::new(rng.next_u64()));
        let watch = Stopwatch::start();
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline_in(deadline_ms), ops)),
        )
        .await;
        assert_eq!(
            results,
            batch.expected(),
            "{call} returned {results:?}: every op finished in time, so every entry is \
             Some, in the order of the ops."
        );
        watch.assert_elapsed(
            ms(batch.returns_at()),
            &call,
            "first_within must return as soon as every op has finished (when the slowest \
             one does). If it took until the deadline, it waited for the deadline although \
             nothing was left to wait for; if it took longer than the slowest op, the ops \
             ran one after the other.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn an_empty_batch_returns_at_once() {
    for_each_seed(8, |mut rng| async move {
        let deadline_ms = rng.odd_ms(1, 100_000);
        let past = rng.chance(1, 4);
        let deadline = if past {
            Instant::now() - ms(deadline_ms)
        } else {
            deadline_in(deadline_ms)
        };
        let call = format!(
            "first_within(a deadline {deadline_ms}ms {}, no ops at all)",
            if past { "in the past" } else { "away" }
        );
        let watch = Stopwatch::start();
        let results: Vec<Option<u32>> = no_hang(&call, first_within(deadline, Vec::new())).await;
        assert!(
            results.is_empty(),
            "{call} returned {results:?}, expected []."
        );
        watch.assert_elapsed(
            Duration::ZERO,
            &call,
            "With no ops, every op has finished before anything starts, so first_within \
             returns at once. Waiting for the deadline here usually means the code only \
             checks \"is everything done?\" after an op finishes (in a loop over a \
             FuturesUnordered, say), and with no ops that never happens.",
        );
        assert_nothing_left_running(&format!("{call} returned"), ms(60_000)).await;
    })
    .await;
}

/// The batch of the snapshot: (how long the op takes, its value), against a
/// deadline 1013 ms away. `None` never finishes.
const BATCH: [(Option<u64>, &str); 7] = [
    (Some(317), "a"),
    (None, "b"),
    (Some(1013), "c"),
    (Some(0), "d"),
    (Some(989), "e"),
    (Some(2003), "f"),
    (Some(611), "g"),
];

#[tokio::test(start_paused = true)]
async fn first_within_keeps_what_finished_by_the_deadline_in_input_order() {
    let watch = Stopwatch::start();
    let ops: Vec<BoxFuture<'static, &'static str>> = BATCH
        .iter()
        .map(|&(takes, value)| work(takes, value))
        .collect();
    let results = no_hang("first_within", first_within(deadline_in(1013), ops)).await;

    let mut report = format!(
        "deadline: 1013ms after the start\nreturned at: {}ms\n",
        watch.elapsed_ms()
    );
    for (index, (takes, _)) in BATCH.iter().enumerate() {
        let takes = match takes {
            Some(0) => "ready at once".to_string(),
            Some(t) => format!("takes {t}ms"),
            None => "never finishes".to_string(),
        };
        let got = results
            .get(index)
            .map_or("missing".to_string(), |r| format!("{r:?}"));
        report.push_str(&format!("op {index} ({takes}): {got}\n"));
    }
    if results.len() > BATCH.len() {
        report.push_str(&format!(
            "and {} more entries\n",
            results.len() - BATCH.len()
        ));
    }
    insta::with_settings!({
        description => "first_within(a deadline 1013ms away, seven ops). All ops run at the \
            same time against the one deadline: each is Some if it finished by the \
            deadline (op 2 finishes exactly at it, and counts), None if not, in the \
            order of the ops. A None where Some is expected usually means the ops \
            ran one after the other, so the later ones started too late; values in \
            another order mean the results were collected as the ops finished.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("first_within_results", report);
    });
}

#[tokio::test(start_paused = true)]
async fn an_op_finishing_exactly_at_the_deadline_counts() {
    // Played many times: an unbiased select! would lose about half.
    for_each_seed(32, |mut rng| async move {
        let deadline_ms = rng.odd_ms(10, 3000);
        let mut ops = vec![
            Op {
                takes: Some(deadline_ms),
                value: 41,
            },
            Op {
                takes: None,
                value: 42,
            },
        ];
        rng.shuffle(&mut ops);
        let batch = Batch { deadline_ms, ops };
        let call = batch.describe();
        let timeline = batch.timeline(deadline_ms);
        let (_flags, ops) = batch.futures(&Jitter::new(rng.next_u64()));
        let watch = Stopwatch::start();
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline_in(deadline_ms), ops)),
        )
        .await;
        assert_eq!(
            results,
            batch.expected(),
            "{call} returned {results:?}, expected {:?}. The op that finishes exactly at the \
             deadline counts as finished: race each op against the deadline in a select! \
             with `biased;` and the op's branch first (or use tokio::time::timeout_at, which \
             polls the op before it looks at the clock).",
            batch.expected()
        );
        watch.assert_elapsed(ms(deadline_ms), &call, "It returns at the deadline.");
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn first_within_drops_the_ops_that_miss_the_deadline() {
    for_each_seed(8, |mut rng| async move {
        let deadline_ms = rng.odd_ms(50, 3000);
        let n = rng.range(2, 6) as usize;
        let late = rng.range(1, n as u64) as usize;
        let batch = Batch::random(&mut rng, deadline_ms, n, late);
        let call = batch.describe();
        // The late ops are cut off at the deadline: one left running shows
        // as a bar that goes on past it.
        let timeline = batch.timeline(deadline_ms);
        let (flags, ops) = batch.futures(&Jitter::new(rng.next_u64()));
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline_in(deadline_ms), ops)),
        )
        .await;
        assert_eq!(results, batch.expected(), "{call} returned {results:?}.");
        // Checked the moment first_within returns: the losers are already
        // gone (finished ops are dropped too, having done their work).
        for (index, flag) in flags.iter().enumerate() {
            flag.assert_dropped(&format!(
                "op {index} of {call}, by the time first_within returned,"
            ));
        }
        assert_nothing_left_running(&format!("{call} returned"), ms(60_000)).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_deadline_already_reached_still_polls_every_op_once() {
    for_each_seed(8, |mut rng| async move {
        let mut ops = vec![
            Op {
                takes: Some(0),
                value: 5,
            },
            Op {
                takes: Some(rng.odd_ms(1, 500)),
                value: 3,
            },
            Op {
                takes: Some(0),
                value: 9,
            },
            Op {
                takes: None,
                value: 1,
            },
        ];
        rng.shuffle(&mut ops);
        let ago = if rng.chance(1, 2) {
            0
        } else {
            rng.odd_ms(1, 2000)
        };
        let batch = Batch {
            deadline_ms: 0,
            ops,
        };
        let expected = batch.expected();
        let call = format!(
            "first_within(a deadline {}, ops returning {:?})",
            if ago == 0 {
                "that is exactly now".to_string()
            } else {
                format!("{ago}ms in the past")
            },
            batch
                .ops
                .iter()
                .map(|op| match op.takes {
                    Some(0) => format!("{} at once", op.value),
                    Some(t) => format!("{} after {t}ms", op.value),
                    None => format!("never ({})", op.value),
                })
                .collect::<Vec<_>>()
        );
        // Each op is polled once, then cut off at once.
        let timeline = batch.timeline(0);
        let (flags, ops) = batch.futures(&Jitter::none());
        let deadline = Instant::now() - ms(ago);
        let watch = Stopwatch::start();
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline, ops)),
        )
        .await;
        assert_eq!(
            results, expected,
            "{call} returned {results:?}, expected {expected:?}. Even when the deadline has \
             already come, each op gets its one poll: an op that is ready at once counts, \
             exactly like a future that is ready at once with a zero limit (and like \
             tokio::time::timeout_at). Do not return early without polling the ops."
        );
        watch.assert_elapsed(
            Duration::ZERO,
            &call,
            "The deadline has already come: nothing may wait.",
        );
        for (index, flag) in flags.iter().enumerate() {
            flag.assert_dropped(&format!(
                "op {index} of {call}, by the time first_within returned,"
            ));
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_first_within_cancels_every_op() {
    for_each_seed(8, |mut rng| async move {
        let deadline_ms = rng.odd_ms(500, 5000);
        let gives_up = rng.odd_ms(1, deadline_ms - 1);
        let n = rng.range(2, 6) as usize;
        let mut ops: Vec<Op> = (0..n)
            .map(|i| Op {
                takes: if rng.chance(1, 2) {
                    None
                } else {
                    Some(gives_up + rng.odd_ms(1, 4000))
                },
                value: i as u32,
            })
            .collect();
        rng.shuffle(&mut ops);
        let batch = Batch { deadline_ms, ops };
        let call = batch.describe();
        // Every op is cut off when the caller gives up.
        let timeline = batch.timeline(gives_up);
        let (flags, ops) = batch.futures(&Jitter::new(rng.next_u64()));
        let output = cancel_after(
            ms(gives_up),
            timeline.span("first_within", first_within(deadline_in(deadline_ms), ops)),
        )
        .await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} after {gives_up}ms, before any op finished and \
             before the deadline."
        );
        for (index, flag) in flags.iter().enumerate() {
            flag.assert_dropped(&format!(
                "op {index} of {call}, whose caller gave up after {gives_up}ms (it dropped \
                 first_within's future),"
            ));
        }
        assert_nothing_left_running(
            &format!("the caller gave up on {call} after {gives_up}ms"),
            ms(60_000),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn first_within_waits_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let deadline_ms = rng.odd_ms(20_000, 50_000);
        let one_finishes = rng.odd_ms(1000, deadline_ms - 1000);
        let mut ops = vec![
            Op {
                takes: None,
                value: 1,
            },
            Op {
                takes: Some(one_finishes),
                value: 2,
            },
            Op {
                takes: None,
                value: 3,
            },
        ];
        rng.shuffle(&mut ops);
        let batch = Batch { deadline_ms, ops };
        let call = batch.describe();
        let timeline = batch.timeline(deadline_ms);
        let (_flags, ops) = batch.futures(&Jitter::none());
        let wakeups = Wakeups::start();
        let results = no_hang(
            &call,
            timeline.span("first_within", first_within(deadline_in(deadline_ms), ops)),
        )
        .await;
        assert_eq!(results, batch.expected(), "{call} returned {results:?}.");
        // Two timers fire in that time (the op that finishes, the
        // deadline), each costing a few wake-ups on its way down tokio's
        // timer wheel.
        wakeups.assert_at_most(
            2 * ONE_TIMER,
            ms(deadline_ms),
            &format!("{call} was waiting"),
        );
    })
    .await;
}
