//! Wrong: spawns a task per sensor and awaits the JoinHandles: right values, right times, but when the caller gives up on poll_all, the handles are dropped and the tasks (detached) go on reading.
//! Caught by: dropping_poll_all_leaves_nothing_running

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
    // The mistake: dropping these handles (when poll_all's future is
    // dropped) does not stop the tasks.
    let handles: Vec<_> = ids
        .iter()
        .map(|&id| tokio::spawn(poll_sensor(id)))
        .collect();
    let mut readings = Vec::with_capacity(handles.len());
    for handle in handles {
        readings.push(handle.await.expect("a sensor task panicked"));
    }
    readings
}
