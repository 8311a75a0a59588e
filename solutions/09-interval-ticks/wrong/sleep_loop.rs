//! Wrong: ticks with a loop that sleeps one period after each tick's work, so the schedule drifts by however long the work took: a stall shorter than the period puts every later tick that much late.
//! Caught by: a_short_stall_does_not_shift_the_schedule

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let _ = behavior;
    let start = Instant::now();
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        times.push(start.elapsed().as_millis() as u64);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
        if index + 1 < n {
            // The mistake: `period` from the end of the work, not from the
            // schedule.
            tokio::time::sleep(period).await;
        }
    }
    times
}
