//! Wrong: clamps the period to at least 1 ms, so a sub-millisecond period ticks on the wrong schedule.
//! Caught by: periods_and_stalls_that_are_not_whole_milliseconds

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

/// The timer wheel cannot do better than this anyway.
const TIMER_RESOLUTION: Duration = Duration::from_millis(1);

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let mut interval = tokio::time::interval(period.max(TIMER_RESOLUTION));
    interval.set_missed_tick_behavior(behavior);
    let mut received = Vec::with_capacity(n);
    for i in 0..n {
        interval.tick().await;
        received.push(start.elapsed().as_millis() as u64);
        if i == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    received
}
