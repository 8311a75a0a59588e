//! Grading tests for kata 03: configure a runtime.
//!
//! Plain `#[test]`s: each builds a runtime with your `build` and looks at it
//! from outside. These runtimes run real threads, so tokio's clock is never
//! paused here, and no test waits for time to pass: where threads must run
//! at the same time, they meet at a `std::sync::Barrier`, which takes
//! microseconds.

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, RwLock};
use std::thread;
use std::time::Duration;

use kata_03_runtime_builder::build;
use kata_support::{catch_panic, ConcurrencyProbe};
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

#[test]
fn it_runs_the_requested_number_of_worker_threads() {
    for (workers, name) in [(3, "kata-three"), (1, "kata-one"), (2, "kata-two")] {
        let runtime = runtime(workers, 2, name);
        let got = runtime.metrics().num_workers();
        assert_eq!(
            got, workers,
            "build({workers}, 2, {name:?}) made a runtime with {got} worker thread(s), \
             expected {workers}. A current-thread runtime always has exactly 1, the thread \
             that calls block_on, however many you ask for: use \
             Builder::new_multi_thread() and set worker_threads(workers). (Without \
             worker_threads, a multi-thread runtime starts one worker per CPU core.)"
        );
    }
}

#[test]
fn every_thread_it_starts_carries_the_given_name() {
    let runtime = runtime(2, 2, "kata-worker");
    let (task_threads, blocking_thread) = on(
        &runtime,
        "spawning eight tasks and one blocking closure that report their thread's name",
        async {
            let tasks: Vec<_> = (0..8)
                .map(|_| tokio::spawn(async { thread_name() }))
                .collect();
            let mut names = Vec::new();
            for task in tasks {
                names.push(
                    task.await
                        .expect("a task reporting its thread name panicked"),
                );
            }
            let blocking = tokio::task::spawn_blocking(thread_name)
                .await
                .expect("a blocking closure reporting its thread name panicked");
            (names, blocking)
        },
    );

    for name in &task_threads {
        assert_eq!(
            name, "kata-worker",
            "a task spawned on the runtime from build(2, 2, \"kata-worker\") ran on a \
             thread named {name:?}, expected \"kata-worker\". Builder::thread_name names \
             every thread the runtime starts. \"tokio-rt-worker\" is the default \
             name: thread_name was not set. Any other name (this test's, or \"main\") is \
             the thread that called block_on: tasks run there only on a current-thread \
             runtime; a multi-thread runtime runs them on its workers."
        );
    }
    assert_eq!(
        blocking_thread, "kata-worker",
        "a spawn_blocking closure on the runtime from build(2, 2, \"kata-worker\") ran on \
         a thread named {blocking_thread:?}, expected \"kata-worker\": \
         Builder::thread_name names the blocking pool's threads too."
    );
}

#[test]
fn blocking_closures_never_run_more_than_max_blocking_at_once() {
    let max_blocking = 3;
    let total = 3 * max_blocking;
    let runtime = runtime(2, max_blocking, "kata-blocking");

    let probe = ConcurrencyProbe::new();
    // Each closure waits at this barrier until `max_blocking` closures are
    // running at once, so a pool of `max_blocking` threads runs them in
    // full waves of `max_blocking`, and a bigger pool runs more together.
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
    let limit = Duration::from_secs(2);
    let deadline = std::time::Instant::now() + limit;
    for finished in 0..total {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            runtime.shutdown_background();
            panic!(
                "only {finished} of {total} spawn_blocking closures finished on the runtime \
                 from build(2, {max_blocking}, \"kata-blocking\") within {}s of real time. \
                 Each closure waits until {max_blocking} closures run at the same time, so \
                 a blocking pool of {max_blocking} threads runs them in waves of \
                 {max_blocking}; with fewer threads they can never all meet. Pass \
                 max_blocking to Builder::max_blocking_threads as it is.",
                limit.as_secs()
            );
        }
    }
    let peak = probe.peak();
    assert!(
        peak <= max_blocking,
        "{total} spawn_blocking closures on the runtime from build(2, {max_blocking}, \
         \"kata-blocking\") ran up to {peak} at the same time, but at most {max_blocking} \
         may. Builder::max_blocking_threads caps the blocking pool (the closures beyond \
         it wait in a queue); without it the pool grows up to 512 threads."
    );
    assert_eq!(
        probe.started(),
        total,
        "{} of {total} spawn_blocking closures ran.",
        probe.started()
    );
}

#[test]
fn timers_are_enabled() {
    let runtime = runtime(2, 2, "kata-timers");
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
    let runtime = runtime(2, 2, "kata-io");
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
