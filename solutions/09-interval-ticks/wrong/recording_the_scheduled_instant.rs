//! Wrong: records the Instant that tick() returns, which is when the tick was scheduled, not when it arrived: after a stall, Burst's catch-up ticks read their due times although they all arrived when the stall ended.
//! Caught by: burst_catches_up_after_a_stall

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
        // The mistake: the scheduled instant, not the time of arrival.
        let scheduled = interval.tick().await;
        times.push((scheduled - start).as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
