//! Wrong: races tick() against a 1ms sleep in a loop ("check for a tick every millisecond") instead of simply awaiting it: the ticks are received at the right instants, but the runtime never rests while tick_times waits.
//! Caught by: tick_times_waits_without_waking_up

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
    while times.len() < n {
        // The mistake: a timeout around the wait, in a loop.
        tokio::select! {
            biased;
            _ = interval.tick() => {}
            () = tokio::time::sleep(Duration::from_millis(1)) => continue,
        }
        times.push(start.elapsed().as_millis() as u64);
        if times.len() == 1 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
