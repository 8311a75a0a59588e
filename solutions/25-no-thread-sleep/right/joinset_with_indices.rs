//! Right: a JoinSet of spawned reads tagged with their index, put back in order at the end (the set aborts its tasks if poll_all is dropped).

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
    let wait = tokio::time::sleep(READ_TIME);
    wait.await;
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    let mut set = tokio::task::JoinSet::new();
    for (index, &id) in ids.iter().enumerate() {
        set.spawn(async move { (index, poll_sensor(id).await) });
    }
    let mut slots: Vec<Option<Reading>> = vec![None; ids.len()];
    while let Some(joined) = set.join_next().await {
        let (index, reading) = joined.expect("a sensor read panicked");
        slots[index] = Some(reading);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every sensor was read"))
        .collect()
}
