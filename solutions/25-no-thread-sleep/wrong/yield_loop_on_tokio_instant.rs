//! Wrong: waits in a loop of tokio::task::yield_now until tokio's clock says 200ms have passed: the task never sleeps, so the runtime is never idle and the paused clock never moves: the loop spins forever.
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
    // The mistake: yielding is not waiting. Tokio's paused clock only
    // moves when every task is waiting on a timer, and this one never is.
    let start = tokio::time::Instant::now();
    while start.elapsed() < READ_TIME {
        tokio::task::yield_now().await;
    }
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
