//! Right: the ticker runs in a task of its own, whose JoinHandle is kept in a guard that aborts it when dropped (so dropping tick_times stops it), and tick_times awaits the handle through the guard.

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};
struct AbortOnDrop(tokio::task::JoinHandle<Vec<u64>>);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let mut guard = AbortOnDrop(tokio::spawn(async move {
        let mut times = Vec::new();
        if n == 0 {
            return times;
        }
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(behavior);
        for i in 0..n {
            interval.tick().await;
            times.push(start.elapsed().as_millis() as u64);
            if i == 0 {
                tokio::time::sleep(stall).await;
            }
        }
        times
    }));
    (&mut guard.0).await.unwrap()
}
