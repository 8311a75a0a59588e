//! Wrong: `poll_all` reads the sensors in batches of 100 ("do not flood the sensor bus"), each batch concurrently, one batch after the other: up to 100 sensors take 200ms, more take a multiple of it.
//! Caught by: poll_all_polls_every_sensor_concurrently

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

/// Reads one sensor: waits `READ_TIME` (the sensor is slow), then returns
/// its reading.
pub async fn poll_sensor(id: u32) -> Reading {
    // Waiting, the async way: this future is `Pending` until the runtime's
    // timer fires, and while it is, the thread is free for other tasks (the
    // other sensors, the heartbeat). Because the wait is on tokio's clock, a
    // test with a paused clock skips straight to the end of it: 200ms of
    // virtual time, microseconds of real time.
    //
    // `spawn_blocking(|| std::thread::sleep(..))` would also free this
    // thread, but it occupies a blocking-pool thread just to do nothing,
    // and its real-time wait cannot be fast-forwarded. spawn_blocking is
    // for work that has to block (CPU-heavy code, blocking APIs), not for
    // waiting.
    tokio::time::sleep(READ_TIME).await;
    Reading {
        sensor: id,
        value: value_of(id),
    }
}

/// Reads every sensor in `ids` concurrently and returns the readings in the
/// same order as `ids`.
pub async fn poll_all(ids: &[u32]) -> Vec<Reading> {
    // `join_all` polls every read from this one task. Each one registers its
    // timer and yields, so all of them wait at the same time: 200ms for any
    // number of sensors, and the results come back in the order of `ids`.
    // Do not flood the sensor bus: at most 100 reads at a time.
    let mut readings = Vec::with_capacity(ids.len());
    for batch in ids.chunks(100) {
        readings.extend(futures::future::join_all(batch.iter().map(|&id| poll_sensor(id))).await);
    }
    readings
}
