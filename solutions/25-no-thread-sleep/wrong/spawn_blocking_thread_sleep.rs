//! Wrong: moves std::thread::sleep into spawn_blocking; the runtime's thread is free, but the wait is 200ms of real time on a blocking-pool thread, which the paused clock cannot skip (tokio does not even auto-advance it while a blocking task runs).
//! Caught by: polling_sensors_takes_almost_no_real_time

use std::time::Duration;

/// One measurement from one sensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The id of the sensor that was read.
    pub sensor: u32,
    /// The measured value.
    pub value: u32,
}

/// How long reading one sensor takes.
const READ_TIME: Duration = Duration::from_millis(200);

/// The value that sensor `id` reports (the simulation is deterministic).
fn value_of(id: u32) -> u32 {
    1000 + id * 7
}

pub async fn poll_sensor(id: u32) -> Reading {
    // The mistake: spawn_blocking is for work that has to block (CPU-heavy
    // code, blocking libraries). Waiting is not such work: here it ties up
    // a thread doing nothing, and the wait happens in real time, outside
    // tokio's clock.
    tokio::task::spawn_blocking(|| std::thread::sleep(READ_TIME))
        .await
        .expect("the blocking sleep panicked");
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
