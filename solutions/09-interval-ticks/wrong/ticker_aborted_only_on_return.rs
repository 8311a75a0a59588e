//! Wrong: runs the interval in a spawned task and aborts it once it has the n ticks, but when the caller drops tick_times mid-way the JoinHandle is only dropped, which detaches the task: the ticker goes on forever.
//! Caught by: dropping_tick_times_stops_the_ticker

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
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(behavior);
        loop {
            interval.tick().await;
            if tx.send(()).is_err() {
                break;
            }
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
    // The mistake: only this path stops the ticker. A caller that drops
    // this future mid-way drops `ticker` without aborting it.
    ticker.abort();
    times
}
