//! The blocking pool starts exactly `max_blocking` threads, never more.
//!
//! "At most `max_blocking` closures at once" is hard to see from inside
//! the closures: a pool that is too big runs the extra ones only if their
//! threads happen to start in time. So this test counts threads instead.
//! tokio starts a blocking thread *inside* `spawn_blocking`, whenever no
//! pool thread is free and the cap is not reached yet. The test hands the
//! pool more closures than it may run, all held at a gate so that no thread
//! frees up, and counts the threads the process gained meanwhile: exactly
//! `max_blocking`, whatever the timing.
//!
//! This file holds a single test, so that no other test starts threads in
//! the same process while it counts. Thread counting reads `/proc`, so it
//! runs on Linux (the grading machine); elsewhere the test only checks that
//! every closure runs.

use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use kata_03_runtime_builder::build;
use kata_support::{catch_panic, for_each_seed_sync};

/// The ids of this process's threads, or `None` where the OS does not say.
fn threads() -> Option<HashSet<String>> {
    let entries = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        entries
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect(),
    )
}

fn check(workers: usize, max_blocking: usize, name: &str) {
    let call = format!("build({workers}, {max_blocking}, {name:?})");
    let runtime = match catch_panic(|| build(workers, max_blocking, name)) {
        Ok(Ok(runtime)) => runtime,
        Ok(Err(error)) => panic!("{call} returned an error: {error}"),
        Err(message) => panic!("{call} panicked: {message}"),
    };
    let total = 2 * max_blocking + 3;

    let gate = Arc::new(RwLock::new(()));
    let (done_tx, done_rx) = mpsc::channel();
    let closed = gate.write().unwrap();
    let before = threads();
    for _ in 0..total {
        let (gate, done) = (gate.clone(), done_tx.clone());
        runtime.spawn_blocking(move || {
            drop(gate.read().unwrap());
            let _ = done.send(());
        });
    }
    let after = threads();
    drop(closed);

    if let (Some(before), Some(after)) = (before, after) {
        let started = after.difference(&before).count();
        assert!(
            started == max_blocking,
            "{total} spawn_blocking closures handed at once to the runtime from {call} made \
             its blocking pool start {started} thread(s), expected exactly {max_blocking}: \
             one per closure until the cap, then the rest wait in the queue. {}",
            if started > max_blocking {
                "More means the cap is missing or too high: Builder::max_blocking_threads \
                 (max_blocking) caps the blocking pool by itself (without it, the pool grows \
                 up to 512 threads), and it does not count the workers, so do not add them."
            } else {
                "Fewer means the cap is too low: pass max_blocking to \
                 Builder::max_blocking_threads as it is."
            }
        );
    }

    // Every closure still runs, a pool's worth at a time.
    let deadline = Instant::now() + Duration::from_millis(1500);
    for finished in 0..total {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            runtime.shutdown_background();
            panic!(
                "only {finished} of {total} spawn_blocking closures ran on the runtime from \
                 {call}, within 1.5s of real time: closures beyond the cap must wait in the \
                 queue and run once a thread is free."
            );
        }
    }
}

#[test]
fn the_blocking_pool_starts_exactly_max_blocking_threads() {
    check(1, 3, "kata-pool");
    for_each_seed_sync(5, |mut rng| {
        let workers = rng.range(1, 4) as usize;
        let max_blocking = loop {
            let n = rng.range(1, 6) as usize;
            if n != workers {
                break n;
            }
        };
        check(
            workers,
            max_blocking,
            &format!("pool-{}", rng.range(1, 999)),
        );
    });
}
