//! Wrong: stalls after every tick instead of after the first one only: while a stall is shorter than the period nothing shows, but a long stall makes every tick late.
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
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
        // The mistake: the stall is the work of tick 1 only.
        if index + 1 < n {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
