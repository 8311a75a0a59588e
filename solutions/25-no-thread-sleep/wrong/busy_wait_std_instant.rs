//! Wrong: busy-waits until std::time::Instant says 200ms have passed; the loop never yields, so it blocks the runtime's thread for 200ms of real time per sensor, one sensor after the other, and the heartbeat stalls.
//! Caught by: the_heartbeat_keeps_beating_while_sensors_are_polled

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
    // The mistake: a busy loop is std::thread::sleep with a CPU core
    // burning: it never reaches an `.await`, so nothing else runs.
    let start = std::time::Instant::now();
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
