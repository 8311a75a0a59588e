//! Wrong: takes the first tick before the loop and awaits the next tick at the end of each round, so after recording the n-th tick it still waits for tick n+1 before returning.
//! Caught by: the_first_tick_is_immediate

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
    interval.tick().await;
    for index in 0..n {
        times.push(start.elapsed().as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
        // The mistake: the last round waits for a tick nobody records.
        interval.tick().await;
    }
    times
}
