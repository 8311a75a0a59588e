//! Wrong: calls `interval.tick().await` once before the loop (a habit from code that wants to skip the immediate tick), so the first tick is thrown away and every tick comes one period late.
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
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(behavior);
    // The mistake: this tick is one of the n, and it is not recorded.
    interval.tick().await;
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
