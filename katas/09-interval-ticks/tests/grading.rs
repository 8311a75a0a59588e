//! Grading tests for kata 09: tick on a schedule with `tokio::time::interval`.
//!
//! Every test runs on a paused clock, so a tick due at 300ms arrives at
//! exactly 300ms of virtual time, and a whole schedule of ticks costs no
//! real time. `tick_times` reports when each tick was received, in virtual
//! milliseconds since it was called.

use kata_09_interval_ticks::tick_times;
use kata_support::{ms, no_hang, Stopwatch};
use tokio::time::MissedTickBehavior;

const BEHAVIORS: [MissedTickBehavior; 3] = [
    MissedTickBehavior::Burst,
    MissedTickBehavior::Delay,
    MissedTickBehavior::Skip,
];

/// Runs `tick_times` and checks it returned right after its last tick.
async fn run(period: u64, n: usize, behavior: MissedTickBehavior, stall: u64) -> Vec<u64> {
    let call =
        format!("tick_times({period}ms, {n}, MissedTickBehavior::{behavior:?}, stall {stall}ms)");
    let watch = Stopwatch::start();
    let times = no_hang(&call, tick_times(ms(period), n, behavior, ms(stall))).await;
    assert_eq!(
        times.len(),
        n,
        "{call} returned {} tick times, expected {n} (one per tick): {times:?}",
        times.len()
    );
    let last = times.last().copied().unwrap_or(0);
    watch.assert_elapsed(
        ms(last),
        &call,
        &format!(
            "It reported its last tick at {last}ms and should return right then, \
             with no sleep after the last tick. (Reported tick times: {times:?}.) If it \
             returned later than its last tick, are the times measured with \
             tokio::time::Instant from the moment tick_times was called?"
        ),
    );
    times
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
    for behavior in BEHAVIORS {
        let times = run(100, 3, behavior, 0).await;
        assert_eq!(
            times,
            [0, 100, 200],
            "tick_times(100ms, 3 ticks, MissedTickBehavior::{behavior:?}, no stall) \
             returned {times:?}, expected [0, 100, 200]. An interval's first tick \
             completes at once, and it is the first of the n ticks: do not throw it \
             away with an extra tick().await before the loop, and do not start the \
             interval one period late (interval_at(now + period, ..)). A loop of \
             sleeps that sleeps first misses it too."
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_short_stall_does_not_shift_the_schedule() {
    // The stall (60ms) is shorter than the period: the second tick is not
    // missed, it just comes 40ms after the stall ends.
    for behavior in BEHAVIORS {
        let times = run(100, 4, behavior, 60).await;
        assert_eq!(
            times,
            [0, 100, 200, 300],
            "tick_times(100ms, 4 ticks, MissedTickBehavior::{behavior:?}, a 60ms stall \
             after the first tick) returned {times:?}, expected [0, 100, 200, 300]. The \
             interval keeps its schedule: the work after tick 1 ends at 60ms, and tick 2 \
             is still due at 100ms. A loop that sleeps `period` after the work drifts \
             (0, 160, 260, 360): each sleep starts when the work ends, not on the schedule."
        );
    }
}

#[tokio::test(start_paused = true)]
async fn burst_catches_up_after_a_stall() {
    let times = run(100, 6, MissedTickBehavior::Burst, 350).await;
    insta::with_settings!({
        description => "tick_times(100ms, 6 ticks, Burst, a 350ms stall after tick 1). \
            Ticks 2, 3 and 4 were due at 100, 200 and 300ms, during the stall. Burst \
            delivers every missed tick as fast as it can, all at 350ms when the stall \
            ends, then goes on with the original schedule (400, 500). If ticks 2-4 read \
            100, 200, 300, the code recorded the Instant that tick() returns (when the \
            tick was scheduled) instead of when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("burst", timeline(MissedTickBehavior::Burst, 100, 350, &times));
    });
}

#[tokio::test(start_paused = true)]
async fn delay_restarts_the_schedule_after_a_stall() {
    let times = run(100, 6, MissedTickBehavior::Delay, 350).await;
    insta::with_settings!({
        description => "tick_times(100ms, 6 ticks, Delay, a 350ms stall after tick 1). \
            Delay delivers one tick for everything missed, at 350ms when the stall ends, \
            and then counts the period again from there: 450, 550, 650, 750. If tick 2 \
            came at 450ms, the code slept a period after the stall instead of using the \
            interval; if it looks like Burst, set_missed_tick_behavior was not called \
            (Burst is the default); if it reads 100ms, the code recorded the Instant \
            that tick() returns (when the tick was scheduled), not when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("delay", timeline(MissedTickBehavior::Delay, 100, 350, &times));
    });
}

#[tokio::test(start_paused = true)]
async fn skip_drops_the_missed_ticks_after_a_stall() {
    let times = run(100, 6, MissedTickBehavior::Skip, 350).await;
    insta::with_settings!({
        description => "tick_times(100ms, 6 ticks, Skip, a 350ms stall after tick 1). \
            Skip delivers one tick at 350ms when the stall ends, drops the rest of the \
            missed ticks, and rejoins the original schedule at its next slot: 400, 500, \
            600, 700. If tick 2 reads 100ms, the code recorded the Instant that tick() \
            returns (when the tick was scheduled), not when it arrived.",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("skip", timeline(MissedTickBehavior::Skip, 100, 350, &times));
    });
}
