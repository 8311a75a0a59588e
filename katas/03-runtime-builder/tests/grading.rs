//! Grading tests for kata 03: configure a runtime.
//!
//! Plain `#[test]`s: each builds runtimes with your `build` and looks at
//! them from outside. These runtimes run real threads, so tokio's clock is
//! never paused here, and no test waits for time to pass: where threads
//! must run at the same time, they meet at a `std::sync::Barrier`, which
//! takes microseconds.
//!
//! The sizes and names asked for vary from case to case (seeded: a failure
//! names its case and how to replay it), never with as many workers as
//! blocking threads, so swapped arguments or a default that happens to
//! match this machine's core count do not slip through.
//! `tests/blocking_pool_size.rs` counts the blocking pool's threads exactly.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | the current-thread builder (always 1 worker) | `it_runs_the_requested_number_of_worker_threads` |
//! | `worker_threads` forgotten (one per core) | `it_runs_the_requested_number_of_worker_threads` |
//! | the caller counted as a worker (`workers - 1`) | `it_runs_the_requested_number_of_worker_threads` |
//! | `workers` and `max_blocking` swapped | `it_runs_the_requested_number_of_worker_threads` |
//! | `thread_name` forgotten ("tokio-rt-worker") | `every_thread_it_starts_carries_the_given_name` |
//! | the name changed on the way: trimmed, cut to 15 bytes, sanitized, lower-cased, a default for "" | `every_thread_it_starts_carries_the_given_name` |
//! | blocking pool smaller than asked (off by one) | `blocking_closures_never_run_more_than_max_blocking_at_once`, `the_blocking_pool_starts_exactly_max_blocking_threads` (blocking_pool_size.rs) |
//! | blocking pool not capped (512), or capped at `max_blocking + workers` | `the_blocking_pool_starts_exactly_max_blocking_threads` (blocking_pool_size.rs) |
//! | no drivers (`enable_all` forgotten) | `timers_are_enabled` |
//! | only the time driver | `io_is_enabled` |

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, RwLock};
use std::thread;
use std::time::Duration;

use kata_03_runtime_builder::build;
use kata_support::{ConcurrencyProbe, Rng, catch_panic, for_each_seed_sync};
use tokio::runtime::Runtime;

/// `build(..)`, or a failed test that says why there is no runtime.
fn runtime(workers: usize, max_blocking: usize, name: &str) -> Runtime {
    let call = format!("build({workers}, {max_blocking}, {name:?})");
    match catch_panic(|| build(workers, max_blocking, name)) {
        Ok(Ok(runtime)) => runtime,
        Ok(Err(error)) => panic!(
            "{call} returned an error: {error}. These arguments are all valid, so the \
             Builder should build."
        ),
        Err(message) => panic!("{call} panicked: {message}"),
    }
}

/// What a panic inside the runtime usually means.
fn advice(message: &str) -> &'static str {
    if message.contains("timers are disabled") {
        "The runtime has no time driver, so nothing in tokio::time (sleep, timeout, \
         interval) works on it. Call `.enable_time()` on the Builder, or `.enable_all()` \
         for time and I/O together."
    } else if message.contains("IO is disabled") {
        "The runtime has no I/O driver, so nothing in tokio::net (or tokio::process, \
         tokio::signal) works on it. Call `.enable_io()` on the Builder, or \
         `.enable_all()` for time and I/O together."
    } else {
        ""
    }
}

/// `runtime.block_on(fut)`, with a panic turned into a learner's message.
fn on<F: Future>(runtime: &Runtime, what: &str, fut: F) -> F::Output {
    match catch_panic(|| runtime.block_on(fut)) {
        Ok(output) => output,
        Err(message) => panic!(
            "{what}, run on the runtime from `build`, panicked:\n    {message}\n{}",
            advice(&message)
        ),
    }
}

fn thread_name() -> String {
    thread::current()
        .name()
        .unwrap_or("(a thread without a name)")
        .to_string()
}

/// A name for the runtime's threads, different in every case.
fn some_name(rng: &mut Rng) -> String {
    format!(
        "{}-{}",
        rng.pick(&["ingest", "kata", "db-pool", "render", "io"]),
        rng.range(1, 999)
    )
}

/// A number of blocking threads different from `workers`.
fn other_than(rng: &mut Rng, workers: usize, lo: u64, hi: u64) -> usize {
    loop {
        let n = rng.range(lo, hi) as usize;
        if n != workers {
            return n;
        }
    }
}

#[test]
fn it_runs_the_requested_number_of_worker_threads() {
    // One worker and three workers always, so that a runtime sized by the
    // machine's core count (whatever it is) is wrong at least once.
    let mut asked = vec![(1, 3), (3, 2)];
    for_each_seed_sync(6, |mut rng| {
        let workers = rng.range(1, 6) as usize;
        asked.push((workers, other_than(&mut rng, workers, 1, 6)));
    });
    for (workers, max_blocking) in asked {
        let name = format!("kata-{workers}w");
        let runtime = runtime(workers, max_blocking, &name);
        let got = runtime.metrics().num_workers();
        assert_eq!(
            got,
            workers,
            "build({workers}, {max_blocking}, {name:?}) made a runtime with {got} worker \
             thread(s), expected {workers}. {}",
            if got == 1 {
                "A current-thread runtime always has exactly 1, the thread that calls \
                 block_on, however many you ask for: use Builder::new_multi_thread() and \
                 set worker_threads(workers)."
            } else if got == max_blocking {
                "That is max_blocking: are the two arguments swapped?"
            } else if got + 1 == workers {
                "The thread that calls block_on is not a worker of a multi-thread runtime: \
                 it only waits for the future. worker_threads(workers) as it is."
            } else {
                "Without worker_threads, a multi-thread runtime starts one worker per CPU \
                 core: set worker_threads(workers)."
            }
        );
    }
}

/// Names that must come out exactly as given: an ordinary one, one longer
/// than the 15 bytes Linux shows in `top` (Rust keeps the whole name), one
/// in mixed case, one with spaces, punctuation and non-ASCII letters (in
/// both cases), one with spaces around it, and the empty string.
fn names_to_keep_as_they_are(rng: &mut Rng) -> Vec<String> {
    let n = rng.range(1, 999);
    vec![
        some_name(rng),
        format!(
            "{}-request-handler-pool-{n}",
            rng.pick(&["ingest", "render", "billing"])
        ),
        format!(
            "{}-{n}",
            rng.pick(&["Ingest", "KataPool", "DB-Writer", "renderIO"])
        ),
        format!("DB pool #{n}: Naïve.Ünïcode/worker"),
        format!("  {}-{n} ", rng.pick(&["ingest", "kata", "io"])),
        String::new(),
    ]
}

/// Why a thread's name may differ from the one asked for.
fn name_advice(got: &str, name: &str) -> &'static str {
    if got == "tokio-rt-worker" && !name.trim().is_empty() {
        "\"tokio-rt-worker\" is the default name: thread_name was not set."
    } else if got == "tokio-rt-worker" || got == name.trim() || name.starts_with(got) {
        "The name was changed before it reached thread_name (trimmed, shortened, or \
         replaced by a default when empty). Pass `name` to Builder::thread_name exactly \
         as given: Rust keeps the whole name, whatever its length (only the OS view of \
         it, in top or gdb, is cut to 15 bytes on Linux), and an empty name is a name."
    } else if got != name && got.to_lowercase() == name.to_lowercase() {
        "The name's letters changed case on the way: pass `name` to Builder::thread_name \
         exactly as given, upper-case letters included."
    } else if got.chars().count() == name.chars().count() && got != "main" {
        "Some characters of the name were replaced: pass `name` to Builder::thread_name \
         exactly as given, spaces, punctuation and non-ASCII letters included."
    } else {
        "Builder::thread_name names every thread the runtime starts. Any other name (this \
         test's, or \"main\") is the thread that called block_on: tasks run there only on \
         a current-thread runtime; a multi-thread runtime runs them on its workers."
    }
}

#[test]
fn every_thread_it_starts_carries_the_given_name() {
    for_each_seed_sync(2, |mut rng| {
        for name in names_to_keep_as_they_are(&mut rng) {
            let workers = rng.range(1, 4) as usize;
            let max_blocking = other_than(&mut rng, workers, 1, 4);
            let runtime = runtime(workers, max_blocking, &name);
            let (task_threads, blocking_threads) = on(
                &runtime,
                "spawning tasks and blocking closures that report their thread's name",
                async {
                    let tasks: Vec<_> = (0..12)
                        .map(|_| tokio::spawn(async { thread_name() }))
                        .collect();
                    let blocking: Vec<_> = (0..max_blocking)
                        .map(|_| tokio::task::spawn_blocking(thread_name))
                        .collect();
                    let mut task_threads = Vec::new();
                    for task in tasks {
                        task_threads.push(
                            task.await
                                .expect("a task reporting its thread name panicked"),
                        );
                    }
                    let mut blocking_threads = Vec::new();
                    for closure in blocking {
                        blocking_threads.push(
                            closure
                                .await
                                .expect("a blocking closure reporting its thread name panicked"),
                        );
                    }
                    (task_threads, blocking_threads)
                },
            );
            let call = format!("build({workers}, {max_blocking}, {name:?})");
            for got in &task_threads {
                assert_eq!(
                    got,
                    &name,
                    "a task spawned on the runtime from {call} ran on a thread named {got:?}, \
                     expected exactly {name:?}. {}",
                    name_advice(got, &name)
                );
            }
            for got in &blocking_threads {
                assert_eq!(
                    got,
                    &name,
                    "a spawn_blocking closure on the runtime from {call} ran on a thread named \
                     {got:?}, expected exactly {name:?}: Builder::thread_name names the \
                     blocking pool's threads too. {}",
                    name_advice(got, &name)
                );
            }
        }
    });
}

/// Hands `3 × max_blocking` closures to the runtime's blocking pool at
/// once. Each waits at a barrier until `max_blocking` closures run at the
/// same time, so a pool of `max_blocking` threads runs them in full waves,
/// and a smaller one can never finish them.
fn blocking_waves(workers: usize, max_blocking: usize, name: &str) {
    let total = 3 * max_blocking;
    let runtime = runtime(workers, max_blocking, name);
    let call = format!("build({workers}, {max_blocking}, {name:?})");

    let probe = ConcurrencyProbe::new();
    let wave = Arc::new(Barrier::new(max_blocking));
    // And none starts before all of them have been handed to the pool.
    let gate = Arc::new(RwLock::new(()));
    let (done_tx, done_rx) = mpsc::channel();

    let closed = gate.write().unwrap();
    for index in 0..total {
        let (probe, wave, gate, done) =
            (probe.clone(), wave.clone(), gate.clone(), done_tx.clone());
        runtime.spawn_blocking(move || {
            drop(gate.read().unwrap());
            let in_flight = probe.enter();
            wave.wait();
            drop(in_flight);
            let _ = done.send(index);
        });
    }
    drop(closed);

    // The closures take microseconds. Waiting is bounded only in case they
    // can never finish, which is a failure explained below.
    let limit = Duration::from_millis(1500);
    let deadline = std::time::Instant::now() + limit;
    for finished in 0..total {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            runtime.shutdown_background();
            panic!(
                "only {finished} of {total} spawn_blocking closures finished on the runtime \
                 from {call} within {} of real time. Each closure waits until \
                 {max_blocking} closures run at the same time, so a blocking pool of \
                 {max_blocking} threads runs them in waves of {max_blocking}; with fewer \
                 threads they can never all meet. Pass max_blocking to \
                 Builder::max_blocking_threads as it is: the blocking pool does not count \
                 the workers.",
                kata_support::fmt_duration(limit)
            );
        }
    }
    let peak = probe.peak();
    assert!(
        peak <= max_blocking,
        "{total} spawn_blocking closures on the runtime from {call} ran up to {peak} at the \
         same time, but at most {max_blocking} may. Builder::max_blocking_threads caps the \
         blocking pool (the closures beyond it wait in a queue); without it the pool grows \
         up to 512 threads."
    );
    assert_eq!(
        probe.started(),
        total,
        "{} of {total} spawn_blocking closures ran.",
        probe.started()
    );
}

#[test]
fn blocking_closures_never_run_more_than_max_blocking_at_once() {
    blocking_waves(1, 3, "kata-blocking");
    for_each_seed_sync(4, |mut rng| {
        let workers = rng.range(1, 3) as usize;
        let max_blocking = other_than(&mut rng, workers, 2, 5);
        blocking_waves(workers, max_blocking, &some_name(&mut rng));
    });
}

#[test]
fn timers_are_enabled() {
    let runtime = runtime(2, 3, "kata-timers");
    // A timeout creates a timer; the future inside is ready at once, so no
    // time passes.
    let result = on(
        &runtime,
        "tokio::time::timeout(60s, a ready future)",
        async { tokio::time::timeout(Duration::from_secs(60), async { 7 }).await },
    );
    assert_eq!(
        result,
        Ok(7),
        "tokio::time::timeout(60s, a future that is ready at once) returned {result:?} on \
         the runtime from `build`, expected Ok(7)."
    );
}

#[cfg(unix)]
#[test]
fn io_is_enabled() {
    let runtime = runtime(3, 2, "kata-io");
    let received = on(
        &runtime,
        "sending bytes through a pipe",
        kata_support::pipe_round_trip(),
    );
    assert_eq!(
        &received, b"ping",
        "bytes written into a pipe on the runtime from `build` came back as {received:?}."
    );
}
