//! Wrong: poll_all skips poll_sensor and waits 200ms once for everyone before building the readings: right for one sensor or more, but with no sensors at all it still waits 200ms.
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
    // The mistake: a shortcut around the reads. It waits even when there
    // is nothing to read, and no sensor is actually polled.
    tokio::time::sleep(READ_TIME).await;
    ids.iter()
        .map(|&id| Reading {
            sensor: id,
            value: value_of(id),
        })
        .collect()
}
