//! Wrong: waits with tokio::time::sleep, but first blocks the thread for 20µs per read with std::thread::sleep ("the bus needs a moment"): no virtual time, no visible real time, but every other task on the thread stops meanwhile.
//! Caught by: no_read_blocks_the_thread

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

/// How long the sensor bus needs to settle after a request.
const SETTLE_TIME: Duration = Duration::from_micros(20);

/// Reads one sensor: waits `READ_TIME` (the sensor is slow), then returns
/// its reading.
pub async fn poll_sensor(id: u32) -> Reading {
    // Far too short to matter to the other tasks.
    std::thread::sleep(SETTLE_TIME);
    tokio::time::sleep(READ_TIME).await;
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

/// Reads every sensor in `ids` concurrently and returns the readings in the
/// same order as `ids`.
pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
