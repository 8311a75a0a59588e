//! Wrong: waits in 10ms slices, checking tokio's clock between them, 'to stay responsive': the timing is right (200 is a multiple of 10), but the runtime wakes up every 10ms while the sensors wait.
//! Caught by: a_read_waits_on_one_timer

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
    let start = tokio::time::Instant::now();
    // The mistake: a polling loop. One sleep of READ_TIME waits just as
    // well, without waking up twenty times.
    while start.elapsed() < READ_TIME {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
