//! Right: interval_at(now, period), a while loop on the number of ticks received, and the time read as Instant::now() - start.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let mut ticker = tokio::time::interval_at(start, period);
    ticker.set_missed_tick_behavior(behavior);

    let mut received = Vec::new();
    while received.len() < n {
        ticker.tick().await;
        let at = Instant::now() - start;
        received.push(at.as_millis() as u64);
        if received.len() == 1 {
            tokio::time::sleep(stall).await;
        }
    }
    received
}
