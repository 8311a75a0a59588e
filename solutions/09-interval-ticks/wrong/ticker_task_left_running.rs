//! Wrong: runs the interval in a spawned task that sends every tick over a channel and ignores send errors, so the ticker task goes on ticking forever after tick_times has its n ticks (and, not stalled itself, it queues the ticks due during the stall instead of missing them).
//! Caught by: the_ticker_stops_when_tick_times_returns

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    // The mistake: nothing ever stops this task, and a failed send is
    // ignored, so not even the channel closing does.
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(behavior);
        loop {
            interval.tick().await;
            let _ = tx.send(());
        }
    });
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        if rx.recv().await.is_none() {
            break;
        }
        times.push(start.elapsed().as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
