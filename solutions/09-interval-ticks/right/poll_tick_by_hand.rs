//! Right: Interval::poll_tick driven through std::future::poll_fn, a counter-based loop, and the stall done with a flag.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let begin = Instant::now();
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(behavior);

    let mut out = Vec::with_capacity(n);
    let mut stalled = false;
    let mut left = n;
    while left > 0 {
        std::future::poll_fn(|cx| interval.poll_tick(cx)).await;
        out.push(begin.elapsed().as_millis() as u64);
        left -= 1;
        if !stalled {
            stalled = true;
            tokio::time::sleep(stall).await;
        }
    }
    out
}
