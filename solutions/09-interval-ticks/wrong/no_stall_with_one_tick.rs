//! Wrong: stalls only when a second tick is coming (the stall "delays tick 2"), so with n = 1 it returns at once, without handling its one tick for `stall`: the README says the stall is part of handling the first tick, whatever n is.
//! Caught by: zero_or_one_tick

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
        if index == 1 {
            // The mistake: the stall sits before tick 2, so it never
            // happens when there is no tick 2.
            tokio::time::sleep(stall).await;
        }
        interval.tick().await;
        times.push(start.elapsed().as_millis() as u64);
    }
    times
}
