//! Wrong: fixes every sensor read, but poll_all still starts with a short std::thread::sleep ('to let the bus power up'), once per call: invisible on the virtual clock and to the heartbeat, it blocks the thread for real on every call.
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
    tokio::time::sleep(READ_TIME).await;
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    // The mistake: blocking once per call is still blocking.
    std::thread::sleep(Duration::from_millis(4));
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
