//! Kata 25: replace `std::thread::sleep`.
//!
//! This code compiles, runs and returns the right readings, but it is wrong
//! in the way this kata is about: `poll_sensor` waits for the (simulated)
//! sensor with `std::thread::sleep`, which blocks the whole thread. On an
//! async runtime that thread is shared by every task, so while one sensor is
//! "being read", nothing else runs: not the other sensors that `poll_all`
//! is polling concurrently, not the heartbeat task in the tests.
//!
//! Fix it so that waiting for a sensor lets the other tasks run. Read
//! README.md first: it explains why, how, and what the tests check.

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

/// Reads one sensor: waits `READ_TIME` (the sensor is slow), then returns
/// its reading.
pub async fn poll_sensor(id: u32) -> Reading {
    // BUG: this blocks the runtime's thread for 200ms. Nothing else can run
    // on it meanwhile, and tokio's clock never even sees the wait.
    std::thread::sleep(READ_TIME);
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

/// Reads every sensor in `ids` concurrently and returns the readings in the
/// same order as `ids`.
pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    // `join_all` polls every future from this one task, so they can all
    // wait at the same time: 200ms for any number of sensors. That is, once
    // `poll_sensor` actually lets them.
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
