//! Right: a stream pipeline: futures::stream::iter(ids).map(poll_sensor).buffered(..), with poll_sensor built from tokio::time::sleep(..).then(..).

use std::time::Duration;

use futures::{FutureExt, StreamExt};

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
    tokio::time::sleep(READ_TIME)
        .then(|()| async move {
            Reading {
                sensor: id,
                value: value_of(id),
            }
        })
        .await
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    // buffered keeps the input order; a buffer as large as the input runs
    // every read at once.
    futures::stream::iter(ids.to_vec())
        .map(poll_sensor)
        .buffered(ids.len().max(1))
        .collect()
        .await
}
