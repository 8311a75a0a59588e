//! Grading tests for kata 09: tick on a schedule with `tokio::time::interval`.
//!
//! Every test runs on a paused clock, so a tick due at 317ms arrives at
//! exactly 317ms of virtual time, and a whole schedule of ticks costs no
//! real time. `tick_times` reports when each tick was received, in virtual
//! milliseconds since it was called. Periods and stalls are seeded and
//! irregular (never multiples of 5 ms); a failing case prints its seed and
//! the command that replays it.
//!
//! What the tests expect is tokio's own `Interval`, written out in
//! [`schedule`] from its documentation: a tick is due every period from the
//! start; a tick received more than 5 ms late counts as missed, and then
//! `MissedTickBehavior` decides when the next one is due.
//!
//! The mistakes a learner makes, and the test that catches each:
//!
//! | mistake | caught by |
//! |---|---|
//! | the first tick thrown away (`tick().await` before the loop), or the interval started a period late | `the_first_tick_is_immediate` |
//! | times measured with `std::time::Instant` (the paused clock does not move it) | `the_first_tick_is_immediate` |
//! | waits for one more tick after the last one before returning | `the_first_tick_is_immediate` (and every test: it must return at its last tick) |
//! | a loop of `sleep(period)` instead of an interval (drifts by the work's time) | `a_short_stall_does_not_shift_the_schedule` |
//! | `set_missed_tick_behavior` never called (always Burst) | `delay_restarts_the_schedule_after_a_stall`, `skip_drops_the_missed_ticks_after_a_stall` |
//! | records the `Instant` that `tick()` returns (when it was due), not when it arrived | `burst_catches_up_after_a_stall` |
//! | stalls after every tick, or before the first one | `tick_times_follow_the_interval_schedule` |
//! | the first tick handled outside the loop, so `n = 0` still ticks | `zero_or_one_tick` |
//! | the ticker runs in a spawned task that outlives `tick_times` | `the_ticker_stops_when_tick_times_returns` |
//! | the ticker task stopped on return, but not when the caller gives up | `dropping_tick_times_stops_the_ticker` |
//! | checks the interval every millisecond instead of awaiting it | `tick_times_waits_without_waking_up` |
//! | a schedule written by hand (`sleep_until` on computed due times) without tokio's 5 ms slack, or with another slack | `a_tick_at_most_5ms_late_is_not_missed` |
//! | with `n = 1`, no stall after the one tick (the README: the stall is part of handling tick 1) | `zero_or_one_tick` |
//! | with `n = 0`, a stall anyway (the README: return at once) | `zero_or_one_tick` |
//! | a short period raised to 1 ms, or the stall rounded to whole ms | `periods_and_stalls_that_are_not_whole_milliseconds` |
//! | tick times rounded to the nearest millisecond (or up) instead of `as_millis()`, which rounds down | `tick_times_are_whole_milliseconds_rounded_down` |

use std::time::Duration;

use kata_09_interval_ticks::tick_times;
use kata_support::{
    ONE_TIMER, Rng, Stopwatch, Timeline, Wakeups, assert_nothing_left_running, cancel_after,
    for_each_seed, ms, no_hang, no_spin,
};
use tokio::time::MissedTickBehavior;

const BEHAVIORS: [MissedTickBehavior; 3] = [
    MissedTickBehavior::Burst,
    MissedTickBehavior::Delay,
    MissedTickBehavior::Skip,
];

/// How late a tick may be before tokio counts it as missed.
const SLACK_MS: u64 = 5;

/// When each of `n` ticks is received, in ms since the call, by the code
/// the README describes: a tokio `Interval` of `period` with `behavior`,
/// stalled once for `stall` after the first tick.
fn schedule(period: u64, n: usize, behavior: MissedTickBehavior, stall: u64) -> Vec<u64> {
    let mut times = Vec::with_capacity(n);
    let mut now = 0;
    let mut due = 0;
    for index in 0..n {
        now = now.max(due);
        times.push(now);
        due = if now > due + SLACK_MS {
            match behavior {
                MissedTickBehavior::Burst => due + period,
                MissedTickBehavior::Delay => now + period,
                _ => now + period - (now - due) % period,
            }
        } else {
            due + period
        };
        if index == 0 {
            now += stall;
        }
    }
    times
}

fn describe(period: u64, n: usize, behavior: MissedTickBehavior, stall: u64) -> String {
    format!("tick_times({period}ms, {n}, MissedTickBehavior::{behavior:?}, stall {stall}ms)")
}

/// Starts the timeline a failing test shows: the ticks tokio's Interval
/// delivers at `expected` (ms), the stall after the first one, and when
/// tick_times returns. The test adds the call as it ran
/// (`timeline.span("tick_times", ..)`) and, once it returned, the tick
/// times it reported ([`draw_reported`]).
fn ticks_timeline(call: &str, expected: &[u64], stall: Duration, returns_at: Duration) -> Timeline {
    let timeline = Timeline::start(call);
    timeline.expect("tick_times", ms(0), returns_at);
    for (index, &at) in expected.iter().enumerate() {
        timeline.expect(format!("tick {}", index + 1), ms(at), ms(at));
        if index == 0 && !stall.is_zero() {
            timeline.expect("stall", ms(at), ms(at) + stall);
        }
    }
    timeline
}

/// The tick times tick_times reported, drawn as ticks of its own: the
/// test cannot see the ticks happen, only what the code says of them.
fn draw_reported(timeline: &Timeline, times: &[u64]) {
    for (index, &at) in times.iter().enumerate() {
        timeline.saw(format!("tick {}", index + 1), ms(at), ms(at));
    }
}

/// Runs `tick_times` and checks it returned right after its last tick.
async fn run(period: u64, n: usize, behavior: MissedTickBehavior, stall: u64) -> Vec<u64> {
    let call = describe(period, n, behavior, stall);
    let expected = schedule(period, n, behavior, stall);
    let ends = returns_at(n, stall, expected.last().copied().unwrap_or(0));
    let timeline = ticks_timeline(&call, &expected, ms(stall), ms(ends));
    let watch = Stopwatch::start();
    let times = no_hang(
        &call,
        no_spin(
            &call,
            timeline.span("tick_times", tick_times(ms(period), n, behavior, ms(stall))),
        ),
    )
    .await;
    draw_reported(&timeline, &times);
    assert_eq!(
        times.len(),
        n,
        "{call} returned {} tick times, expected {n} (one per tick): {times:?}",
        times.len()
    );
    let last = times.last().copied().unwrap_or(0);
    let end = returns_at(n, stall, last);
    let when = if n == 1 && stall > 0 {
        format!(
            "It reported its one tick at {last}ms; handling that tick stalls for {stall}ms, \
             so it should return at {end}ms: the stall after tick 1 happens with n = 1 too, \
             and nothing comes after it."
        )
    } else if n == 0 {
        "With n = 0 it should return at once: no tick, no stall.".to_string()
    } else {
        format!(
            "It reported its last tick at {last}ms and should return right then, with no \
             sleep or tick after the last one."
        )
    };
    watch.assert_elapsed(
        ms(end),
        &call,
        &format!(
            "{when} (Reported tick times: {times:?}.) If it returned later than that, does it \
             wait for one tick too many, or sleep after the last? Are the times measured with \
             tokio::time::Instant from the moment tick_times was called?"
        ),
    );
    times
}

/// When `tick_times` must return: right after its last tick, except that
/// the stall after tick 1 is part of handling tick 1 (so with `n = 1` it
/// returns when the stall ends), and with `n = 0` at once.
fn returns_at(n: usize, stall: u64, last: u64) -> u64 {
    match n {
        0 => 0,
        _ => last.max(stall),
    }
}

/// One line per tick, for the snapshots.
fn timeline(behavior: MissedTickBehavior, period: u64, stall: u64, times: &[u64]) -> String {
    let mut out = format!(
        "MissedTickBehavior::{behavior:?}, period {period}ms, a {stall}ms stall after tick 1\n"
    );
    for (index, at) in times.iter().enumerate() {
        out.push_str(&format!("tick {} received at {at}ms\n", index + 1));
    }
    out
}

#[tokio::test(start_paused = true)]
async fn the_first_tick_is_immediate() {
    for_each_seed(8, |mut rng| async move {
        let period = rng.odd_ms(7, 900);
        let n = rng.range(2, 6) as usize;
        for behavior in BEHAVIORS {
            let times = run(period, n, behavior, 0).await;
            let expected = schedule(period, n, behavior, 0);
            assert_eq!(
                times,
                expected,
                "{} returned {times:?}, expected {expected:?}. An interval's first tick \
                 completes at once, and it is the first of the n ticks: do not throw it away \
                 with an extra tick().await before the loop, and do not start the interval \
                 one period late (interval_at(now + period, ..)). All zeros: the times were \
                 measured with std::time::Instant, which tokio's paused clock does not move.",
                describe(period, n, behavior, 0)
            );
        }
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_short_stall_does_not_shift_the_schedule() {
    // The stall is shorter than the period: the second tick is not missed,
    // it just comes a little after the stall ends.
    for_each_seed(16, |mut rng| async move {
        let period = rng.odd_ms(20, 900);
        let stall = rng.odd_ms(1, period - 1);
        let n = rng.range(3, 7) as usize;
        let behavior = *rng.pick(&BEHAVIORS);
        let times = run(period, n, behavior, stall).await;
        let expected = schedule(period, n, behavior, stall);
        assert_eq!(
            times,
            expected,
            "{} returned {times:?}, expected {expected:?}. The interval keeps its schedule: \
             the work after tick 1 ends at {stall}ms, and tick 2 is still due at {period}ms. \
             A loop that sleeps `period` after the work drifts: each sleep starts when the \
             work ends, not on the schedule.",
            describe(period, n, behavior, stall)
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn burst_catches_up_after_a_stall() {
    let times = run(137, 7, MissedTickBehavior::Burst, 419).await;
    insta::with_settings!({
        description => "tick_times(137ms, 7 ticks, Burst, a 419ms stall after tick 1). \
            Ticks 2, 3 and 4 were due at 137, 274 and 411ms, during the stall. Burst \
            delivers every missed tick as fast as it can, all at 419ms when the stall \
            ends, then goes on with the original schedule (548, 685, 822). If ticks 2-4 \
            read 137, 274, 411, the code recorded the Instant that tick() returns (when \
            the tick was scheduled) instead of when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("burst", timeline(MissedTickBehavior::Burst, 137, 419, &times));
    });
}

#[tokio::test(start_paused = true)]
async fn delay_restarts_the_schedule_after_a_stall() {
    let times = run(137, 7, MissedTickBehavior::Delay, 419).await;
    insta::with_settings!({
        description => "tick_times(137ms, 7 ticks, Delay, a 419ms stall after tick 1). \
            Delay delivers one tick for everything missed, at 419ms when the stall ends, \
            and then counts the period again from there: 556, 693, 830... If tick 2 came \
            at 556ms, the code slept a period after the stall instead of using the \
            interval; if it looks like Burst, set_missed_tick_behavior was not called \
            (Burst is the default); if it reads 137ms, the code recorded the Instant \
            that tick() returns (when the tick was scheduled), not when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("delay", timeline(MissedTickBehavior::Delay, 137, 419, &times));
    });
}

#[tokio::test(start_paused = true)]
async fn skip_drops_the_missed_ticks_after_a_stall() {
    let times = run(137, 7, MissedTickBehavior::Skip, 419).await;
    insta::with_settings!({
        description => "tick_times(137ms, 7 ticks, Skip, a 419ms stall after tick 1). \
            Skip delivers one tick at 419ms when the stall ends, drops the rest of the \
            missed ticks, and rejoins the original schedule at its next slot: 548, 685, \
            822... If it looks like Burst, set_missed_tick_behavior was not called (Burst \
            is the default); if tick 2 reads 137ms, the code recorded the Instant that \
            tick() returns (when the tick was scheduled), not when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("skip", timeline(MissedTickBehavior::Skip, 137, 419, &times));
    });
}

/// A stall that misses ticks: several periods, sometimes ending just after
/// a tick was due (within tokio's slack) or exactly on one.
fn long_stall(rng: &mut Rng, period: u64) -> u64 {
    let periods = rng.range(1, 5);
    match rng.below(4) {
        0 => periods * period,
        1 => periods * period + rng.range(1, SLACK_MS),
        _ => rng.odd_ms(period + 1, (periods + 1) * period),
    }
}

#[tokio::test(start_paused = true)]
async fn tick_times_follow_the_interval_schedule() {
    for_each_seed(64, |mut rng| async move {
        let period = rng.odd_ms(7, 400);
        let behavior = *rng.pick(&BEHAVIORS);
        let n = rng.range(2, 10) as usize;
        let stall = match rng.below(3) {
            0 => rng.range(0, period - 1),
            _ => long_stall(&mut rng, period),
        };
        let times = run(period, n, behavior, stall).await;
        let expected = schedule(period, n, behavior, stall);
        assert_eq!(
            times,
            expected,
            "{} returned {times:?}, expected {expected:?}.\n\
             The ticks come from one tokio::time::interval(period), with \
             set_missed_tick_behavior(behavior); the first tick at once; one stall, after \
             the first tick only (not before it, not after every tick); each time recorded \
             when tick().await returns. Ticks due during the stall were missed, and the \
             behavior decides what happens to them (a tick at most 5ms late does not count \
             as missed).",
            describe(period, n, behavior, stall)
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_tick_at_most_5ms_late_is_not_missed() {
    // The stall ends 1 to 6ms after a tick was due: up to 5ms late, tokio's
    // Interval counts that tick as on time and keeps its schedule; 6ms late,
    // it was missed and the behavior applies. Mostly the tick right after
    // the first (where Delay shows the difference), sometimes a later one.
    for_each_seed(24, |mut rng| async move {
        let period = rng.odd_ms(7, 400);
        let late = rng.range(1, SLACK_MS + 1);
        let periods = if rng.chance(2, 3) { 1 } else { rng.range(2, 4) };
        let stall = periods * period + late;
        let n = periods as usize + rng.range(2, 4) as usize;
        for behavior in BEHAVIORS {
            let times = run(period, n, behavior, stall).await;
            let expected = schedule(period, n, behavior, stall);
            let verdict = if late <= SLACK_MS {
                "at most 5ms late, so tokio's Interval does not count it as missed: the \
                 schedule goes on as if it had been on time"
            } else {
                "more than 5ms late, so it was missed and the behavior decides what comes next"
            };
            assert_eq!(
                times,
                expected,
                "{} returned {times:?}, expected {expected:?}.\n\
                 The stall ended {late}ms after tick {} was due ({}ms): {verdict}. The times \
                 this kata expects are exactly those of tokio::time::interval with \
                 set_missed_tick_behavior: a schedule computed by hand (sleep_until on the \
                 next due instant) misses that slack. Tick on the Interval itself.",
                describe(period, n, behavior, stall),
                periods + 1,
                periods * period,
            );
        }
    })
    .await;
}

/// What tokio's own `Interval` does with durations that are not whole
/// milliseconds (its timer fires on whole milliseconds, rounding a deadline
/// up): the tick times, and when handling the last tick is over.
async fn interval_itself(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> (Vec<u64>, Duration) {
    let watch = Stopwatch::start();
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(behavior);
    let mut times = Vec::new();
    for index in 0..n {
        interval.tick().await;
        times.push(watch.elapsed().as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    (times, watch.elapsed())
}

#[tokio::test(start_paused = true)]
async fn periods_and_stalls_that_are_not_whole_milliseconds() {
    // Any period above zero is allowed, 0.3 ms included, and a stall of
    // 250.4 ms lasts what tokio's sleep makes of it (it ends at 251 ms):
    // pass both to tokio unchanged.
    for_each_seed(32, |mut rng| async move {
        let micros = Duration::from_micros(rng.range(1, 999));
        let period = if rng.chance(1, 2) {
            micros
        } else {
            ms(rng.odd_ms(1, 60)) + micros
        };
        let behavior = *rng.pick(&BEHAVIORS);
        let n = rng.range(1, 12) as usize;
        let stall = match rng.below(3) {
            0 => Duration::ZERO,
            1 => Duration::from_micros(rng.range(1, 999)),
            _ => ms(rng.odd_ms(6, 400)) + Duration::from_micros(rng.range(1, 999)),
        };
        let call = format!(
            "tick_times({period:?}, {n}, MissedTickBehavior::{behavior:?}, stall {stall:?})"
        );
        let (expected, expected_end) = interval_itself(period, n, behavior, stall).await;
        let timeline = ticks_timeline(&call, &expected, stall, expected_end);
        let watch = Stopwatch::start();
        let times = no_hang(
            &call,
            no_spin(
                &call,
                timeline.span("tick_times", tick_times(period, n, behavior, stall)),
            ),
        )
        .await;
        draw_reported(&timeline, &times);
        let end = watch.elapsed();
        assert_eq!(
            times, expected,
            "{call} returned {times:?}, expected {expected:?} (what tokio::time::interval \
             does with this period and stall). Pass the period and the stall to tokio as they \
             are: do not round them to whole milliseconds, and do not raise a short period to \
             1ms; tokio's timer deals with the fractions itself."
        );
        assert_eq!(
            end, expected_end,
            "{call} returned after {end:?}, expected {expected_end:?}: right after handling \
             its last tick (with n = 1, when the stall ends). Sleep for the stall as it is \
             given (tokio::time::sleep(stall)): rounding it changes when it ends."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn tick_times_are_whole_milliseconds_rounded_down() {
    // On the paused clock, timers fire a whole number of milliseconds
    // apart, so every elapsed time is usually whole. Here another task moves
    // the clock by a fraction of a millisecond while tick_times waits: every
    // later tick then arrives that fraction past a whole millisecond, and
    // `as_millis()` rounds it down, as the README asks.
    for_each_seed(16, |mut rng| async move {
        let period = rng.odd_ms(7, 400);
        let n = rng.range(2, 7) as usize;
        let behavior = *rng.pick(&BEHAVIORS);
        let nudge = Duration::from_micros(rng.range(500, 999));
        let call = format!(
            "{}, with the clock moved on by {nudge:?} half-way to the second tick",
            describe(period, n, behavior, 0)
        );
        let expected = schedule(period, n, behavior, 0);
        let watch = Stopwatch::start();
        // Half a period in: after the first tick, however tick_times is
        // built (even a ticker task of its own), and well before the second.
        let nudging = tokio::spawn(async move {
            tokio::time::sleep(ms(period / 2)).await;
            tokio::time::advance(nudge).await;
        });
        let times = no_hang(
            &call,
            no_spin(&call, tick_times(ms(period), n, behavior, ms(0))),
        )
        .await;
        nudging.await.expect("the task moving the clock panicked");
        assert_eq!(
            times,
            expected,
            "{call} returned {times:?}, expected {expected:?}. Each tick after the first \
             arrived {nudge:?} past a whole millisecond (tick 2 at {:?}): the README asks for \
             whole milliseconds rounded down, start.elapsed().as_millis() as u64. Do not round \
             to the nearest millisecond, or up.",
            ms(period) + nudge
        );
        let last = expected.last().copied().unwrap_or(0);
        watch.assert_elapsed(
            ms(last) + nudge,
            &call,
            "It should return right at its last tick.",
        );
        // Back onto whole milliseconds for the next case, where the first
        // tick must again be immediate.
        tokio::time::advance(ms(1) - nudge).await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn zero_or_one_tick() {
    for behavior in BEHAVIORS {
        // With and without a stall: n = 0 returns at once either way (no
        // tick, so no stall); n = 1 stalls after its one tick, then returns
        // (`run` checks when it returned).
        for stall in [0, 173, 1061] {
            let times = run(317, 0, behavior, stall).await;
            assert!(
                times.is_empty(),
                "{} returned {times:?}: zero ticks asked, zero received. Is the first tick \
                 taken before the loop, whatever n is?",
                describe(317, 0, behavior, stall)
            );
            let times = run(317, 1, behavior, stall).await;
            assert_eq!(
                times,
                [0],
                "{} returned {times:?}: one tick, received at once.",
                describe(317, 1, behavior, stall)
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_ticker_stops_when_tick_times_returns() {
    for_each_seed(4, |mut rng| async move {
        let period = rng.odd_ms(7, 400);
        let n = rng.range(2, 6) as usize;
        let behavior = *rng.pick(&BEHAVIORS);
        let stall = rng.range(0, 3 * period);
        run(period, n, behavior, stall).await;
        assert_nothing_left_running(
            &format!("{} returned", describe(period, n, behavior, stall)),
            ms(60_000),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_tick_times_stops_the_ticker() {
    for_each_seed(4, |mut rng| async move {
        let period = rng.odd_ms(7, 400);
        let n = 12;
        let behavior = *rng.pick(&BEHAVIORS);
        let gives_up = rng.odd_ms(period + 1, 5 * period);
        let call = describe(period, n, behavior, 0);
        let output = cancel_after(ms(gives_up), tick_times(ms(period), n, behavior, ms(0))).await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} after {gives_up}ms, before its 12th tick."
        );
        assert_nothing_left_running(
            &format!(
                "the caller gave up on {call} after {gives_up}ms (it dropped tick_times' future)"
            ),
            ms(60_000),
        )
        .await;
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn tick_times_waits_without_waking_up() {
    for_each_seed(4, |mut rng| async move {
        let period = rng.odd_ms(10_000, 20_000);
        let behavior = *rng.pick(&BEHAVIORS);
        let call = describe(period, 3, behavior, 0);
        let wakeups = Wakeups::start();
        let times = run(period, 3, behavior, 0).await;
        assert_eq!(times, [0, period, 2 * period], "{call} returned {times:?}.");
        // Two ticks to wait for, each a timer that costs a few wake-ups on
        // its way down tokio's timer wheel.
        wakeups.assert_at_most(
            2 * ONE_TIMER,
            ms(2 * period),
            &format!("{call} was waiting for its ticks"),
        );
    })
    .await;
}
