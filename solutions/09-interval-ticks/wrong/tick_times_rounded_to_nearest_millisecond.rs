//! Wrong: rounds each tick time to the nearest millisecond instead of rounding down with as_millis(), so a tick that arrives 41.7 ms after the call is reported at 42 ms.
//! Caught by: tick_times_are_whole_milliseconds_rounded_down

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let mut times = Vec::new();
    if n == 0 {
        return times;
    }
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(behavior);
    for i in 0..n {
        interval.tick().await;
        // MISTAKE: rounds to the nearest millisecond instead of truncating.
        times.push((start.elapsed().as_micros() as u64 + 500) / 1000);
        if i == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
