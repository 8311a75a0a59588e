//! Wrong: handles the first tick before the loop and the other n - 1 in it, so with n = 0 it still takes (and reports) one tick.
//! Caught by: zero_or_one_tick

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
    // The mistake: this assumes there is at least one tick to take.
    interval.tick().await;
    let mut times = vec![start.elapsed().as_millis() as u64];
    tokio::time::sleep(stall).await;
    for _ in 1..n {
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
    }
    times
}
