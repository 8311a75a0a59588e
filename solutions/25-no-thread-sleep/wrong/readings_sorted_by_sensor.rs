//! Wrong: collects the readings as they complete (FuturesUnordered), then sorts them by sensor id to put them 'back in order': the order of the ids is lost whenever they were not sorted to begin with.
//! Caught by: readings_keep_the_order_of_the_ids, readings_come_back_in_input_order

use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};

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
    let reads: FuturesUnordered<_> = ids.iter().map(|&id| poll_sensor(id)).collect();
    let mut readings: Vec<Reading> = reads.collect().await;
    // The mistake: sorted is not the order of `ids`.
    readings.sort_by_key(|reading| reading.sensor);
    readings
}
