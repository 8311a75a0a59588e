//! Wrong: sleeps on tokio's clock, as it should, but for the wrong duration (20ms, a zero short of 200ms): the sensor reads finish too early, which only the virtual clock notices.
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
    // The mistake: 20 milliseconds, not 200 (READ_TIME is right there).
    let _ = READ_TIME;
    tokio::time::sleep(Duration::from_millis(20)).await;
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
