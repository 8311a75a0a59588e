//! Wrong: keeps std::thread::sleep and "fixes" the concurrency by spawning a task per sensor; the tasks share the runtime's thread, so each sleep still blocks it: 400ms of real time for two sensors and a stalled heartbeat.
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
    std::thread::sleep(READ_TIME);
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    // The mistake: spawning does not make blocking code non-blocking. The
    // spawned tasks run on the same thread(s) as everything else and block
    // them one after the other.
    let handles: Vec<_> = ids
        .iter()
        .map(|&id| tokio::spawn(poll_sensor(id)))
        .collect();
    let mut readings = Vec::new();
    for handle in handles {
        readings.push(handle.await.expect("sensor task panicked"));
    }
    readings
}
