//! Kata 09: tick on a schedule with `tokio::time::interval`.
//!
//! Periodic work (a heartbeat, metrics every second, polling a queue) wants
//! a *schedule*: ticks at 0, 100, 200, 300 ms, whatever the work in between
//! costs. `loop { work().await; sleep(period).await }` does not give you
//! that: each sleep starts when the work ends, so the ticks drift. An
//! interval keeps the schedule, and when you fall behind (the work stalled),
//! its `MissedTickBehavior` decides what happens to the ticks you missed.
//!
//! Fill in the `todo!()` below. Read README.md first: it draws the three
//! behaviors on a timeline.

use std::time::Duration;

use tokio::time::MissedTickBehavior;

/// Ticks `n` times on an interval of `period` with the given missed-tick
/// `behavior`, and returns when each tick was received: virtual milliseconds
/// since `tick_times` was called.
///
/// - The first tick comes at once (0 ms).
/// - After receiving the first tick, stall for `stall` (as if handling that
///   tick took that long: `tokio::time::sleep(stall)`); every later tick is
///   handled instantly.
/// - Return right after the `n`-th tick (`n = 0`: no tick, an empty `Vec`).
/// - Leave nothing running: no task or timer outlives the call.
///
/// `period` is more than zero.
pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    // Use tokio::time::interval, not a loop of sleeps. Record the moment
    // each tick ARRIVES (measured with tokio::time::Instant), not the
    // Instant that tick() returns.
    let _ = (period, n, behavior, stall);
    todo!("tick n times on a tokio::time::interval, stalling once after the first tick")
}
