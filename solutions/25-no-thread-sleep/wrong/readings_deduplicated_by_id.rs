//! Wrong: reads each distinct sensor once into a HashMap and looks the readings up in the order of the ids, but keeps only distinct ids: a sensor listed twice is reported once.
//! Caught by: readings_keep_the_order_of_the_ids

use std::collections::HashMap;
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
    let reads = ids
        .iter()
        .map(|&id| async move { (id, poll_sensor(id).await) });
    let by_id: HashMap<u32, Reading> = futures::future::join_all(reads).await.into_iter().collect();
    // The mistake: one reading per distinct id, not one per entry of `ids`.
    let mut seen = Vec::new();
    let mut readings = Vec::new();
    for id in ids {
        if !seen.contains(id) {
            seen.push(*id);
            readings.push(by_id[id].clone());
        }
    }
    readings
}
