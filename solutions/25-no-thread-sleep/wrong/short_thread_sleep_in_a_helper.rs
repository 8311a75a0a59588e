//! Wrong: waits on tokio's clock as it should, but a helper that 'lets the sensor settle' still calls std::thread::sleep for 2ms per read: invisible on the virtual clock and to the heartbeat, it blocks the thread for real, and adds up over many sensors.
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

/// Gives the sensor's converter a moment after the read.
fn settle() {
    // The mistake: a blocking sleep, however short, in async code.
    std::thread::sleep(Duration::from_millis(2));
}

pub async fn poll_sensor(id: u32) -> Reading {
    tokio::time::sleep(READ_TIME).await;
    settle();
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
