//! Wrong: rounds the stall down to whole milliseconds before sleeping, so a stall such as 250.4 ms ends 1 ms early.
//! Caught by: periods_and_stalls_that_are_not_whole_milliseconds

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
    let stall = Duration::from_millis(stall.as_millis() as u64);
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
