//! Wrong: fixes poll_sensor but reads the sensors in poll_all one after the other with a for loop, so n sensors take n × 200ms instead of 200ms.
//! Caught by: poll_all_polls_every_sensor_concurrently

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
    let mut readings = Vec::with_capacity(ids.len());
    for &id in ids {
        // The mistake: each read starts when the previous one is over.
        readings.push(poll_sensor(id).await);
    }
    readings
}
