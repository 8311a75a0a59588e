//! Wrong: busy-waits until tokio::time::Instant says 200ms have passed; the loop never reaches an .await, so it never gives the thread back, and on the paused test clock tokio's time never moves: the loop never ends (the grader's wall-clock limit stops it).
//! Caught by: one_sensor_read_takes_exactly_200ms

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
    // The mistake: spinning is blocking too, and burns a CPU core. Tokio's
    // clock only advances (when paused) while the runtime is idle, which a
    // loop that never yields never lets it be.
    let start = tokio::time::Instant::now();
    while start.elapsed() < READ_TIME {
        std::hint::spin_loop();
    }
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
