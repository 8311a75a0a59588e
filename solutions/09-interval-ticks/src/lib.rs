//! Kata 09: tick on a schedule with `tokio::time::interval` (reference
//! solution).
//!
//! An `Interval` remembers when each tick is due, so the time spent between
//! two `tick().await`s does not push the schedule back the way a
//! `sleep(period)` after the work would. What it does after you fell behind
//! is the `MissedTickBehavior` you give it.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

/// Ticks `n` times on an interval of `period` with the given missed-tick
/// `behavior`, stalling for `stall` after the first tick, and returns when
/// each tick was received (virtual ms since the call).
pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    // Tokio's clock: on a paused test clock it only moves when every task
    // waits on a timer, so the times below are exact.
    let start = Instant::now();

    // Due at once, then every `period`. The first `tick()` completes
    // immediately: that is tick number 1, received at 0ms.
    let mut interval = tokio::time::interval(period);
    // Only matters once we fall behind (more than 5ms late): Burst (the
    // default) fires every missed tick at once, Delay restarts the period
    // from now, Skip rejoins the original grid at its next slot.
    interval.set_missed_tick_behavior(behavior);

    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        // `tick()` returns when the tick was *scheduled*; after a stall that
        // is in the past. What we report is when it arrived: now.
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
        if index == 0 {
            // Handling the first tick is slow. While we sleep, the interval
            // is not polled: the ticks due meanwhile are missed, and the
            // behavior decides what the next `tick()` calls do about them.
            tokio::time::sleep(stall).await;
        }
    }
    times
}
