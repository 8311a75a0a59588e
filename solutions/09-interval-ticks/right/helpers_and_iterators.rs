//! Right: a helper that makes the configured interval, an early return for n = 0, and the stall written as sleep_until(first tick + stall).

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

fn ticker(period: Duration, behavior: MissedTickBehavior) -> tokio::time::Interval {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(behavior);
    interval
}

fn millis_since(start: Instant) -> u64 {
    Instant::now().saturating_duration_since(start).as_millis() as u64
}

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let start = Instant::now();
    let mut interval = ticker(period, behavior);

    interval.tick().await;
    let first = Instant::now();
    let mut times = vec![millis_since(start)];
    tokio::time::sleep_until(first + stall).await;

    for _ in 1..n {
        interval.tick().await;
        times.push(millis_since(start));
    }
    times
}
