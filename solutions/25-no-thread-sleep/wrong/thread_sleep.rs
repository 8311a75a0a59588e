//! Wrong: waits with std::thread::sleep, which blocks the runtime's only thread for 200ms of real time per sensor: the sensors are read one after the other and no other task (the heartbeat) runs meanwhile.
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
    // The mistake: an `async fn` that never awaits anything is not
    // asynchronous. This blocks the thread, and with it every task on it.
    std::thread::sleep(READ_TIME);
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
