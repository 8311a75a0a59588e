//! Wrong: keeps every reading in a process-wide cache, so a sensor read a second time answers at once instead of being read (200ms).
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

use std::collections::BTreeMap;
use std::sync::Mutex;

/// The last reading of every sensor read so far.
static LAST_READINGS: Mutex<BTreeMap<u32, Reading>> = Mutex::new(BTreeMap::new());

/// Reads one sensor: waits `READ_TIME` (the sensor is slow), then returns
/// its reading.
pub async fn poll_sensor(id: u32) -> Reading {
    let known = LAST_READINGS.lock().unwrap().get(&id).cloned();
    if let Some(reading) = known {
        return reading;
    }
    tokio::time::sleep(READ_TIME).await;
    let reading = Reading {
        sensor: id,
        value: value_of(id),
    };
    LAST_READINGS.lock().unwrap().insert(id, reading.clone());
    reading
}

/// Reads every sensor in `ids` concurrently and returns the readings in the
/// same order as `ids`.
pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    futures::future::join_all(ids.iter().map(|&id| poll_sensor(id))).await
}
