//! Wrong: no Interval: computes each tick's due instant by hand (Burst, Delay and Skip written out) and waits with sleep_until, counting any tick received after its due instant as missed. tokio's Interval allows 5ms of slack first, so after a stall that ends a few ms after a tick was due, Delay restarts its period from the late tick where tokio keeps the schedule.
//! Caught by: a_tick_at_most_5ms_late_is_not_missed

use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

/// When the tick after one due at `due` and received at `got` is due.
fn following(
    due: Instant,
    got: Instant,
    period: Duration,
    behavior: MissedTickBehavior,
) -> Instant {
    // The mistake: no slack. Late by a microsecond is missed.
    if got <= due {
        return due + period;
    }
    match behavior {
        MissedTickBehavior::Burst => due + period,
        MissedTickBehavior::Delay => got + period,
        _ => {
            // Skip: the first slot of the original grid after `got`.
            let behind = (got - due).as_nanos() / period.as_nanos();
            due + period * (behind as u32 + 1)
        }
    }
}

pub async fn tick_times(
    period: Duration,
    n: usize,
    behavior: MissedTickBehavior,
    stall: Duration,
) -> Vec<u64> {
    let start = Instant::now();
    let mut due = start;
    let mut times = Vec::with_capacity(n);
    for index in 0..n {
        tokio::time::sleep_until(due).await;
        let got = Instant::now();
        times.push((got - start).as_millis() as u64);
        due = following(due, got, period, behavior);
        if index == 0 {
            tokio::time::sleep(stall).await;
        }
    }
    times
}
