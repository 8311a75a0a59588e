//! Wrong: measures the tick times with std::time::Instant, the operating system's clock, which tokio's paused test clock does not move: every tick reads 0ms.
//! Caught by: the_first_tick_is_immediate

use std::time::Duration;

use tokio::time::MissedTickBehavior;

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    // The mistake: the wrong clock. Tokio's timers run on tokio's clock.
    let start = std::time::Instant::now();
    let mut interval = tokio::time::interval(period);
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
