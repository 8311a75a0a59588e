//! Wrong: wraps std::thread::sleep in tokio::task::block_in_place, which only works on the multi-thread runtime: on the current-thread runtime (the one #[tokio::test] uses) it panics.
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
    // The mistake: block_in_place needs a multi-thread runtime, and even
    // there it only moves the other tasks away while this one blocks.
    tokio::task::block_in_place(|| std::thread::sleep(READ_TIME));
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
