//! Grading tests for kata 25: replace `std::thread::sleep`.
//!
//! Every test runs on tokio's current-thread runtime with the clock paused:
//! one thread runs every task, and time only moves when every task is
//! waiting on a tokio timer. A sensor read that waits on tokio's clock takes
//! exactly 200ms of *virtual* time and almost no real time; one that blocks
//! the thread takes real time, and stops every other task meanwhile.

use std::time::Duration;

use kata_25_no_thread_sleep::{poll_all, poll_sensor};
use kata_support::{fmt_duration, ms, no_hang, Heartbeat, Stopwatch};

/// What a wrong amount of virtual time usually means, for any sensor read.
const WHY_NOT_200MS: &str = "A sensor read waits 200ms, and the wait must be on tokio's \
     clock: `tokio::time::sleep(..).await`. 0ms means the wait never went through \
     tokio's timer: std::thread::sleep, spawn_blocking(|| std::thread::sleep(..)) or \
     a loop checking std::time::Instant spend real time instead (and the first and \
     last of them block the runtime's thread). Any other amount means a wrong \
     duration was slept (check the Duration you pass: READ_TIME is 200ms).";

#[tokio::test(start_paused = true)]
async fn one_sensor_read_takes_exactly_200ms() {
    let watch = Stopwatch::start();
    let reading = no_hang("poll_sensor(7)", poll_sensor(7)).await;
    watch.assert_elapsed(ms(200), "poll_sensor(7)", WHY_NOT_200MS);
    assert_eq!(
        reading.sensor, 7,
        "poll_sensor(7) returned {reading:?}, a reading of another sensor."
    );
}

#[tokio::test(start_paused = true)]
async fn two_sensors_polled_with_join_take_200ms_of_virtual_time() {
    let watch = Stopwatch::start();
    let (first, second) = no_hang("tokio::join!(poll_sensor(1), poll_sensor(2))", async {
        tokio::join!(poll_sensor(1), poll_sensor(2))
    })
    .await;
    watch.assert_elapsed(
        ms(200),
        "tokio::join!(poll_sensor(1), poll_sensor(2))",
        "join! runs both reads at the same time, so two sensors take as long as \
         one: 200ms. That only works if each read gives the thread back while it \
         waits, by awaiting tokio::time::sleep. (0ms: the reads did not wait on \
         tokio's clock at all, see the other tests' messages.)",
    );
    assert_eq!(
        (first.sensor, second.sensor),
        (1, 2),
        "tokio::join!(poll_sensor(1), poll_sensor(2)) returned {first:?} and {second:?}."
    );
}

#[tokio::test(start_paused = true)]
async fn poll_all_polls_every_sensor_concurrently() {
    let watch = Stopwatch::start();
    let readings = no_hang("poll_all(&[1, 2, 3, 4, 5])", poll_all(&[1, 2, 3, 4, 5])).await;
    assert_eq!(
        readings.len(),
        5,
        "poll_all(&[1, 2, 3, 4, 5]) returned {} reading(s), expected one per sensor: {readings:?}",
        readings.len()
    );
    watch.assert_elapsed(
        ms(200),
        "poll_all(&[1, 2, 3, 4, 5])",
        "All five sensors wait at the same time, so poll_all takes 200ms however \
         many sensors there are. 1s means they were polled one after the other: \
         keep poll_all concurrent (join_all). 0ms means the reads did not wait on \
         tokio's clock.",
    );
}

#[tokio::test(start_paused = true)]
async fn polling_sensors_takes_almost_no_real_time() {
    // Real (wall-clock) time, measured only as an upper bound: on the paused
    // clock a correct poll_all costs microseconds of it.
    let limit = Duration::from_millis(150);
    let real_start = std::time::Instant::now();
    let readings = no_hang("poll_all(&[1, 2])", poll_all(&[1, 2])).await;
    let real = real_start.elapsed();
    assert!(
        real < limit,
        "poll_all(&[1, 2]) took {} of real (wall-clock) time; under tokio's paused \
         test clock it should take almost none (the limit is {}).\n\
         Real time passing means a thread really slept or spun: std::thread::sleep, \
         a busy loop on std::time::Instant, or spawn_blocking(|| \
         std::thread::sleep(..)), which moves the sleep to another thread but still \
         makes the caller wait for it in real time, and ties up a thread doing \
         nothing. tokio::time::sleep waits on tokio's clock, which tests can pause \
         and fast-forward.",
        fmt_duration(real),
        fmt_duration(limit)
    );
    assert_eq!(
        readings.len(),
        2,
        "poll_all(&[1, 2]) returned {readings:?}."
    );
}

#[tokio::test(start_paused = true)]
async fn the_heartbeat_keeps_beating_while_sensors_are_polled() {
    // Another task on the same runtime, recording a beat every 10ms.
    let heart = Heartbeat::start(ms(10)).await;
    let watch = Stopwatch::start();
    let readings = no_hang("poll_all(&[1, 2])", poll_all(&[1, 2])).await;
    let virtual_elapsed = watch.elapsed();
    let beats = heart.beats_before(ms(200));
    heart.stop().await;
    assert_eq!(
        beats,
        20,
        "A heartbeat task ticking every 10ms beat {beats} time(s) in the first 200ms \
         of poll_all(&[1, 2]), expected 20 (at 0, 10, ..., 190ms); poll_all took {} \
         of virtual time.\n\
         While a task blocks the thread (std::thread::sleep, a busy loop), no other \
         task on it can run: the heartbeat stops, and so do the other sensors. An \
         async function must wait by awaiting, so that the runtime can run other \
         tasks meanwhile: tokio::time::sleep(..).await. (If poll_all took 0ms of \
         virtual time, its wait did not happen on tokio's clock at all, so the \
         heartbeat's 10ms never came round either.)",
        fmt_duration(virtual_elapsed)
    );
    assert_eq!(
        readings.len(),
        2,
        "poll_all(&[1, 2]) returned {readings:?}."
    );
}

#[tokio::test(start_paused = true)]
async fn readings_come_back_in_input_order() {
    let watch = Stopwatch::start();
    let readings = no_hang("poll_all(&[3, 1, 2])", poll_all(&[3, 1, 2])).await;
    let mut report = format!(
        "poll_all(&[3, 1, 2]) returned at {}ms\n",
        watch.elapsed_ms()
    );
    for reading in &readings {
        report.push_str(&format!("{reading:?}\n"));
    }
    insta::with_settings!({
        description => "poll_all(&[3, 1, 2]): the three sensors are read at the same \
            time, so it returns after 200ms of virtual time, with one reading per \
            sensor in the order of the ids. 0ms means the reads did not wait on \
            tokio's clock (std::thread::sleep and friends spend real time instead).",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("poll_all_readings", report);
    });
}
