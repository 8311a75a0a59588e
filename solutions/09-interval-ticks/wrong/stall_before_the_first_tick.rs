//! Wrong: stalls before taking the first tick instead of after it, so the first tick arrives at the end of the stall instead of at 0ms.
//! Caught by: tick_times_follow_the_interval_schedule

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
    // The mistake: "handling the first tick" comes after receiving it.
    tokio::time::sleep(stall).await;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
    }
    times
}
