//! Wrong: starts the interval one period late with interval_at(now + period, ..), so the first tick comes a period late instead of at once, and every tick with it.
//! Caught by: the_first_tick_is_immediate

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    // The mistake: interval(period) is due at once; this is due a period later.
    let mut interval = tokio::time::interval_at(start + period, period);
    interval.set_missed_tick_behavior(behavior);
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
