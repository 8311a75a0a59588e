//! Grading tests for kata 25: replace `std::thread::sleep`.
//!
//! Every test runs on tokio's current-thread runtime with the clock paused:
//! one thread runs every task, and time only moves when every task is
//! waiting on a tokio timer. A sensor read that waits on tokio's clock takes
//! exactly 200ms of *virtual* time and almost no real time; one that blocks
//! the thread takes real time, and stops every other task meanwhile. Sensor
//! ids are seeded: shuffled, irregular, sometimes repeated; a failing case
//! prints its seed and the command that replays it.
//!
//! The mistakes a learner makes, and the test that catches each:
//!
//! | mistake | caught by |
//! |---|---|
//! | `std::thread::sleep` (blocks the thread: nothing else runs) | `the_heartbeat_keeps_beating_while_sensors_are_polled` (the starter code) |
//! | `std::thread::sleep` in a task per sensor (the tasks share the thread) | `the_heartbeat_keeps_beating_while_sensors_are_polled` |
//! | a busy loop on `std::time::Instant` | `the_heartbeat_keeps_beating_while_sensors_are_polled` |
//! | a busy loop on `tokio::time::Instant` (never ends on the paused clock) | `one_sensor_read_takes_exactly_200ms` (stopped by the grader's real-time limit) |
//! | a `yield_now` loop until `tokio::time::Instant` says 200ms (never sleeps: the paused clock cannot move) | `one_sensor_read_takes_exactly_200ms` |
//! | `spawn_blocking(\|\| std::thread::sleep(..))` (real time, a thread doing nothing) | `polling_sensors_takes_almost_no_real_time` |
//! | a `yield_now` loop until `std::time::Instant` says 200ms (real time) | `polling_sensors_takes_almost_no_real_time` |
//! | a short `std::thread::sleep` left in a helper, beside the right wait | `polling_sensors_takes_almost_no_real_time` |
//! | a short `std::thread::sleep` once per call of `poll_all` | `polling_sensors_takes_almost_no_real_time` |
//! | `block_in_place` (panics on the current-thread runtime) | `one_sensor_read_takes_exactly_200ms` |
//! | the wrong duration | `one_sensor_read_takes_exactly_200ms` |
//! | `poll_all` awaits one sensor after another | `poll_all_polls_every_sensor_concurrently` |
//! | `poll_all` reads in batches (`chunks`, `buffered(n)`, a semaphore): a cap on reads at a time | `poll_all_polls_every_sensor_concurrently` (over a thousand sensors) |
//! | `poll_all` waits once for everyone instead of reading each sensor (even with no sensors) | `poll_all_polls_every_sensor_concurrently` |
//! | readings in completion order, sorted by id, or deduplicated by id | `readings_keep_the_order_of_the_ids`, `readings_come_back_in_input_order` |
//! | the wait cut into 10ms slices in a loop (a polling loop) | `a_read_waits_on_one_timer` |
//! | a task spawned per sensor, left running when the caller gives up | `dropping_poll_all_leaves_nothing_running` |

use std::time::Duration;

use kata_25_no_thread_sleep::{Reading, poll_all, poll_sensor};
use kata_support::{
    Heartbeat, ONE_TIMER, Rng, Stopwatch, Wakeups, assert_nothing_left_running, cancel_after,
    fmt_duration, for_each_seed, ms, no_blocking, no_hang, no_spin,
};

/// The sensor of each reading, in order. (The values each sensor reports
/// are given code; the snapshot shows them.)
fn sensors(readings: &[Reading]) -> Vec<u32> {
    readings.iter().map(|reading| reading.sensor).collect()
}

/// `n` sensor ids in a random order, some of them repeated, that do not
/// sort into the order they are given.
fn sensor_ids(rng: &mut Rng, n: usize) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..n).map(|_| rng.range(1, 97) as u32).collect();
    if n >= 3 {
        // A repeat, and a descending pair up front.
        ids[n - 1] = ids[rng.below(n as u64 - 1) as usize];
        if ids[0] < ids[1] {
            ids.swap(0, 1);
        }
    }
    ids
}

/// What a wrong amount of virtual time usually means, for any sensor read.
const WHY_NOT_200MS: &str = "A sensor read waits 200ms, and the wait must be on tokio's \
     clock: `tokio::time::sleep(..).await`. 0ms means the wait never went through \
     tokio's timer: std::thread::sleep, spawn_blocking(|| std::thread::sleep(..)) or \
     a loop checking std::time::Instant spend real time instead (and the first and \
     last of them block the runtime's thread). Any other amount means a wrong \
     duration was slept (check the Duration you pass: READ_TIME is 200ms).";

#[tokio::test(start_paused = true)]
async fn one_sensor_read_takes_exactly_200ms() {
    for_each_seed(3, |mut rng| async move {
        let id = rng.range(1, 997) as u32;
        let call = format!("poll_sensor({id})");
        let watch = Stopwatch::start();
        let got = no_hang(&call, no_spin(&call, poll_sensor(id))).await;
        watch.assert_elapsed(ms(200), &call, WHY_NOT_200MS);
        assert_eq!(
            got.sensor, id,
            "{call} returned {got:?}, a reading of another sensor."
        );
        // The same sensor again is a new read: it takes its 200ms again.
        let again = format!("{call}, a second time");
        let watch = Stopwatch::start();
        no_hang(&again, no_spin(&again, poll_sensor(id))).await;
        watch.assert_elapsed(
            ms(200),
            &again,
            "Every call of poll_sensor reads the sensor, and a read waits 200ms, even for a \
             sensor read before: do not keep readings from earlier calls.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn no_read_blocks_the_thread() {
    // Even a blocking sleep of microseconds per read, which the paused clock
    // does not see, stops every other task on the thread meanwhile.
    for_each_seed(4, |mut rng| async move {
        let n = rng.range(3, 9) as usize;
        let ids = sensor_ids(&mut rng, n);
        let what =
            format!("poll_sensor of each of {ids:?}, one after the other, then poll_all(&{ids:?})");
        let readings = no_hang(
            &what,
            no_blocking(&what, async {
                for &id in &ids {
                    poll_sensor(id).await;
                    // A poll of its own for each read, so that code blocking
                    // in every read is stopped after a few of them.
                    tokio::task::yield_now().await;
                }
                poll_all(&ids).await
            }),
        )
        .await;
        assert_eq!(
            sensors(&readings),
            ids,
            "{what}: poll_all returned {readings:?}"
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn two_sensors_polled_with_join_take_200ms_of_virtual_time() {
    for_each_seed(2, |mut rng| async move {
        let (a, b) = (rng.range(1, 97) as u32, rng.range(1, 97) as u32);
        let call = format!("tokio::join!(poll_sensor({a}), poll_sensor({b}))");
        let watch = Stopwatch::start();
        let (first, second) = no_hang(&call, async {
            tokio::join!(poll_sensor(a), poll_sensor(b))
        })
        .await;
        watch.assert_elapsed(
            ms(200),
            &call,
            "join! runs both reads at the same time, so two sensors take as long as one: \
             200ms. That only works if each read gives the thread back while it waits, by \
             awaiting tokio::time::sleep. (0ms: the reads did not wait on tokio's clock at \
             all, see the other tests' messages.)",
        );
        assert_eq!(
            (first.sensor, second.sensor),
            (a, b),
            "{call} returned {first:?} and {second:?}."
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn poll_all_polls_every_sensor_concurrently() {
    // No sensors: nothing to read, nothing to wait for.
    let watch = Stopwatch::start();
    let readings = no_hang("poll_all(&[])", poll_all(&[])).await;
    assert!(readings.is_empty(), "poll_all(&[]) returned {readings:?}.");
    watch.assert_elapsed(
        Duration::ZERO,
        "poll_all(&[])",
        "With no sensors there is nothing to wait for. poll_all must read each sensor \
         (with poll_sensor), all at once; a single wait for everyone is not a read of \
         each sensor.",
    );

    for_each_seed(6, |mut rng| async move {
        let n = rng.range(1, 6) as usize;
        let ids = sensor_ids(&mut rng, n);
        let call = format!("poll_all(&{ids:?})");
        let watch = Stopwatch::start();
        let readings = no_hang(&call, no_spin(&call, poll_all(&ids))).await;
        assert_eq!(
            readings.len(),
            n,
            "{call} returned {} reading(s), expected one per id: {readings:?}",
            readings.len()
        );
        watch.assert_elapsed(
            ms(200),
            &call,
            "All the sensors wait at the same time, so poll_all takes 200ms however many \
             sensors there are. n × 200ms means they were polled one after the other: keep \
             poll_all concurrent (join_all). 0ms means the reads did not wait on tokio's \
             clock.",
        );
    })
    .await;

    // Many sensors, more than any cap a learner might pick (16, 100, 256,
    // 1000, 1024...): still all at once, so still 200ms.
    for_each_seed(3, |mut rng| async move {
        let n = rng.range(1100, 2600) as usize;
        let ids = sensor_ids(&mut rng, n);
        let call = format!("poll_all of {n} sensors");
        let watch = Stopwatch::start();
        let readings = no_hang(&call, no_spin(&call, poll_all(&ids))).await;
        let took = watch.elapsed();
        assert_eq!(
            sensors(&readings),
            ids,
            "{call} did not return one reading per id, in the order of the ids."
        );
        assert!(
            took == ms(200),
            "{call} took {} of virtual time, expected 200ms: all the sensors wait at the same \
             time, however many there are. A multiple of 200ms means they were read in batches: \
             a cap on how many reads run at once (chunks(..), buffered(..), a semaphore) makes \
             every batch wait for the one before. poll_all must read every sensor at once \
             (join_all over all of them).",
            fmt_duration(took)
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn readings_keep_the_order_of_the_ids() {
    for_each_seed(8, |mut rng| async move {
        let n = rng.range(3, 8) as usize;
        let ids = sensor_ids(&mut rng, n);
        let call = format!("poll_all(&{ids:?})");
        let watch = Stopwatch::start();
        let readings = no_hang(&call, poll_all(&ids)).await;
        let got = sensors(&readings);
        assert_eq!(
            got, ids,
            "{call} returned readings of these sensors; expected one per id, in the order of \
             the ids (a repeated id is read, and reported, each time it appears). Readings in \
             another order were collected as they completed, or sorted; missing repeats were \
             deduplicated by id."
        );
        watch.assert_elapsed(ms(200), &call, WHY_NOT_200MS);
    })
    .await;
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

/// Real (wall-clock) time a run of calls may take. A correct poll_all takes
/// microseconds per sensor on the paused clock; the limit is generous
/// against a slow or busy machine, and a run that overruns it is measured
/// a second time before it counts.
const REAL_LIMIT: Duration = Duration::from_millis(150);

/// Runs `calls` calls one after the other and returns the real time they
/// took, stopping early once they are past the limit (code that blocks
/// for 200ms per sensor must not keep the test waiting for minutes).
async fn real_time<F, Fut>(calls: usize, call: &mut F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let start = std::time::Instant::now();
    for index in 0..calls {
        no_hang("a sensor read", call(index)).await;
        if start.elapsed() >= REAL_LIMIT {
            break;
        }
    }
    start.elapsed()
}

/// Fails if `calls` calls take `REAL_LIMIT` of real time or more, twice.
async fn assert_little_real_time<F, Fut>(what: &str, calls: usize, mut call: F)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut real = real_time(calls, &mut call).await;
    if real >= REAL_LIMIT {
        real = real_time(calls, &mut call).await;
    }
    assert!(
        real < REAL_LIMIT,
        "{what} took {} of real (wall-clock) time (or more: it was stopped there), twice in \
         a row; under tokio's paused test clock it should take almost none.\n\
         Real time passing means a thread really slept or spun: std::thread::sleep (even a \
         short one, hidden in a helper or done once per call: it adds up over many sensors \
         and many calls), a busy or yield_now loop on std::time::Instant, or \
         spawn_blocking(|| std::thread::sleep(..)), which moves the sleep to another thread \
         but still makes the caller wait for it in real time, and ties up a thread doing \
         nothing. tokio::time::sleep waits on tokio's clock, which tests can pause and \
         fast-forward.",
        fmt_duration(real),
    );
}

#[tokio::test(start_paused = true)]
async fn polling_sensors_takes_almost_no_real_time() {
    let mut rng = Rng::new(25);
    // Many calls, one sensor each: a blocking wait done once per call adds
    // up over the calls.
    assert_little_real_time(
        "50 calls of poll_sensor, one after the other",
        50,
        |index| async move { poll_sensor(index as u32 + 3).await.sensor as usize },
    )
    .await;
    let ids = sensor_ids(&mut rng, 50);
    assert_little_real_time(
        "50 calls of poll_all(&[one id]), one after the other",
        50,
        |index| {
            let id = ids[index];
            async move { poll_all(&[id]).await.len() }
        },
    )
    .await;
    // Batches growing fourfold: a blocking wait per sensor adds up over
    // the sensors of a batch, and shows without waiting long.
    for n in [1, 4, 16, 64, 256, 400] {
        let ids = sensor_ids(&mut rng, n);
        assert_little_real_time(&format!("poll_all(&[{n} sensor ids])"), 1, |_| {
            let ids = ids.clone();
            async move {
                let readings = poll_all(&ids).await;
                assert_eq!(
                    readings.len(),
                    n,
                    "poll_all(&[{n} sensor ids]) returned {} readings.",
                    readings.len()
                );
                n
            }
        })
        .await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_heartbeat_keeps_beating_while_sensors_are_polled() {
    // Another task on the same runtime, recording a beat every 10ms.
    let heart = Heartbeat::start(ms(10)).await;
    let watch = Stopwatch::start();
    let readings = no_hang("poll_all(&[3, 1])", poll_all(&[3, 1])).await;
    let virtual_elapsed = watch.elapsed();
    let beats = heart.beats_before(ms(200));
    heart.stop().await;
    assert_eq!(
        beats,
        20,
        "A heartbeat task ticking every 10ms beat {beats} time(s) in the first 200ms of \
         poll_all(&[3, 1]), expected 20 (at 0, 10, ..., 190ms); poll_all took {} of \
         virtual time.\n\
         While a task blocks the thread (std::thread::sleep, a busy loop), no other task \
         on it can run: the heartbeat stops, and so do the other sensors. Spawning a task \
         per sensor does not help: the tasks share the thread. An async function must wait \
         by awaiting, so that the runtime can run other tasks meanwhile: \
         tokio::time::sleep(..).await. (If poll_all took 0ms of virtual time, its wait did \
         not happen on tokio's clock at all, so the heartbeat's 10ms never came round \
         either.)",
        fmt_duration(virtual_elapsed)
    );
    assert_eq!(
        sensors(&readings),
        [3, 1],
        "poll_all(&[3, 1]) returned {readings:?}."
    );
}

#[tokio::test(start_paused = true)]
async fn a_read_waits_on_one_timer() {
    for_each_seed(4, |mut rng| async move {
        let n = rng.range(1, 8) as usize;
        let ids = sensor_ids(&mut rng, n);
        let call = format!("poll_all(&{ids:?})");
        let watch = Stopwatch::start();
        let wakeups = Wakeups::start();
        let readings = no_hang(&call, poll_all(&ids)).await;
        watch.assert_elapsed(ms(200), &call, WHY_NOT_200MS);
        assert_eq!(readings.len(), n, "{call} returned {readings:?}.");
        // All the reads wait for the same instant: one timer's worth of
        // wake-ups (a few, on its way down tokio's timer wheel).
        wakeups.assert_at_most(ONE_TIMER, ms(200), &format!("{call} was waiting"));
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn dropping_poll_all_leaves_nothing_running() {
    for_each_seed(4, |mut rng| async move {
        let n = rng.range(1, 8) as usize;
        let ids = sensor_ids(&mut rng, n);
        let gives_up = rng.odd_ms(1, 199);
        let call = format!("poll_all(&{ids:?})");
        let output = cancel_after(ms(gives_up), poll_all(&ids)).await;
        assert!(
            output.is_none(),
            "{call} returned {output:?} after less than {gives_up}ms of virtual time, before \
             the 200ms read could be over: its wait did not happen on tokio's clock."
        );
        assert_nothing_left_running(
            &format!(
                "the caller gave up on {call} after {gives_up}ms (it dropped poll_all's future)"
            ),
            ms(60_000),
        )
        .await;
    })
    .await;
}
