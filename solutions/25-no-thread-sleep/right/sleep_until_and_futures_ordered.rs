//! Right: sleep_until a deadline computed from tokio's Instant, and poll_all through FuturesOrdered, which keeps the input order.

use std::time::Duration;

use futures::stream::{FuturesOrdered, StreamExt};
use tokio::time::Instant;

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
    let ready_at = Instant::now() + READ_TIME;
    tokio::time::sleep_until(ready_at).await;
    Reading {
        value: value_of(id),
        sensor: id,
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    let mut reads = FuturesOrdered::new();
    for id in ids.iter().copied() {
        reads.push_back(poll_sensor(id));
    }
    reads.collect().await
}
