//! Wrong: waits in a loop of tokio::task::yield_now until std::time::Instant says 200ms have passed: other tasks get turns, but the wait is real time, tokio's clock never moves, and a CPU core spins meanwhile.
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
    // The mistake: "it yields, so it is async". It is still a busy wait,
    // on the operating system's clock.
    let start = std::time::Instant::now();
    while start.elapsed() < READ_TIME {
        tokio::task::yield_now().await;
    }
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
