//! Wrong: never calls set_missed_tick_behavior, so every interval uses the default, Burst: after a stall, Delay and Skip fire the missed ticks all at once too.
//! Caught by: delay_restarts_the_schedule_after_a_stall, skip_drops_the_missed_ticks_after_a_stall

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    // The mistake: `behavior` is never given to the interval.
    let _ = behavior;
    let start = Instant::now();
    let mut interval = tokio::time::interval(period);
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
