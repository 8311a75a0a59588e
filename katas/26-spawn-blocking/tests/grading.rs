//! Grading tests for kata 26: move CPU-heavy work off the runtime.
//!
//! These tests run on real threads (spawn_blocking uses real OS threads), so
//! they do not pause the clock, and they never measure time. Instead, the
//! hash function they pass to `hash_all_with` is instrumented:
//!
//! - it records which thread it runs on;
//! - a [`ConcurrencyProbe`] counts how many hashes run at once;
//! - it can be held at a *gate* until the test opens it, so that the test
//!   can look at what `hash_all_with` started before any hash finished.
//!
//! Each test builds its own current-thread runtime (the kind
//! `#[tokio::test]` uses), which counts the blocking threads it starts.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use kata_26_spawn_blocking::{hash_all, hash_all_with, slow_hash};
use kata_support::ConcurrencyProbe;
use tokio::runtime::Runtime;

/// Why `block_in_place` panicked, appended to tokio's own message.
const WHY_IT_PANICKED: &str = "(Added by the kata's tests:) this panic comes from \
     `tokio::task::block_in_place`. It cannot work on a current-thread runtime (the kind \
     #[tokio::test] and many applications use): it would hand the runtime's other tasks to \
     another worker thread, and there is none. Use `tokio::task::spawn_blocking`, which \
     works on every runtime.";

/// The text of a panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// Adds the explanation to tokio's own panic message when `block_in_place`
/// is called on a current-thread runtime: that panic is the first thing the
/// learner sees. Every other panic is printed as usual.
fn explain_block_in_place_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = panic_text(info.payload());
            if message.contains("can call blocking only when running on the multi-threaded runtime")
            {
                let thread = thread::current();
                let location = info
                    .location()
                    .map_or("an unknown location".to_string(), ToString::to_string);
                eprintln!(
                    "thread '{}' panicked at {location}:\n{message}\n{WHY_IT_PANICKED}",
                    thread.name().unwrap_or("<unnamed>")
                );
            } else {
                default(info);
            }
        }));
    });
}

/// A door that blocked hashes wait at until the test opens it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    /// Waits until the gate is open, or `limit` has passed (a safety net
    /// that only matters when a test has already gone wrong).
    fn wait(&self, limit: Duration) {
        let open = self.open.lock().unwrap();
        let _unused = self
            .opened
            .wait_timeout_while(open, limit, |open| !*open)
            .unwrap();
    }
}

/// The test bench: a runtime that counts its blocking threads, and the
/// instruments of the hash function.
struct Bench {
    runtime: Runtime,
    blocking_threads: Arc<AtomicUsize>,
    runtime_thread: ThreadId,
    probe: ConcurrencyProbe,
    gate: Arc<Gate>,
    hashed_on: Arc<Mutex<Vec<ThreadId>>>,
    finished: Arc<AtomicUsize>,
    others_done: Arc<Gate>,
}

impl Bench {
    /// A bench whose gate starts closed (`closed = true`) or open.
    fn new(closed: bool) -> Bench {
        explain_block_in_place_panics();
        let blocking_threads = Arc::new(AtomicUsize::new(0));
        let count = blocking_threads.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            // Called once for every thread the runtime starts: on a
            // current-thread runtime, those are the blocking pool's threads.
            .thread_name_fn(move || {
                count.fetch_add(1, Ordering::SeqCst);
                "kata-26-blocking".to_string()
            })
            .build()
            .expect("the test's runtime could not be built");
        let gate = Arc::new(Gate::default());
        if !closed {
            gate.open();
        }
        Bench {
            runtime,
            blocking_threads,
            runtime_thread: thread::current().id(),
            probe: ConcurrencyProbe::new(),
            gate,
            hashed_on: Arc::default(),
            finished: Arc::default(),
            others_done: Arc::default(),
        }
    }

    /// The instrumented hash function. `hold` (if any) is an input whose
    /// hash waits until every other input has been hashed.
    fn hasher(
        &self,
        total: usize,
        hold: Option<Vec<u8>>,
    ) -> impl Fn(&[u8]) -> u64 + Send + Sync + 'static {
        let probe = self.probe.clone();
        let gate = self.gate.clone();
        let runtime_thread = self.runtime_thread;
        let hashed_on = self.hashed_on.clone();
        let finished = self.finished.clone();
        let others_done = self.others_done.clone();
        move |data: &[u8]| {
            let _in_flight = probe.enter();
            let me = thread::current().id();
            hashed_on.lock().unwrap().push(me);
            // Never hold the runtime's own thread at the gate: nothing could
            // ever open it. (Hashing there is wrong anyway; the tests say so.)
            if me != runtime_thread {
                gate.wait(Duration::from_secs(3));
                if hold.as_deref() == Some(data) {
                    others_done.wait(Duration::from_secs(3));
                }
            }
            let value = slow_hash(data);
            if finished.fetch_add(1, Ordering::SeqCst) + 1 == total - 1 {
                others_done.open();
            }
            value
        }
    }

    /// Drives `fut` to completion on the bench's runtime.
    fn run<T>(&self, fut: impl Future<Output = T>) -> T {
        self.runtime.block_on(fut)
    }

    /// Lets the runtime run any tasks that were spawned, without moving on
    /// the future under test.
    fn let_spawned_tasks_run(&self) {
        self.runtime.block_on(async {
            for _ in 0..16 {
                tokio::task::yield_now().await;
            }
        });
    }

    /// Waits until `count` hashes have started (they are held at the gate).
    fn wait_for_started(&self, count: usize) {
        let limit = Instant::now() + Duration::from_secs(3);
        while self.probe.started() < count {
            assert!(
                Instant::now() < limit,
                "hash_all_with started {count} blocking task(s), but only {} of them began \
                 hashing within 3s.",
                self.probe.started()
            );
            thread::yield_now();
        }
    }
}

impl Drop for Bench {
    // However a test ends, let held hashes finish, or the runtime would
    // wait for them forever when it shuts down.
    fn drop(&mut self) {
        self.gate.open();
        self.others_done.open();
    }
}

/// `count` distinct inputs: `b"input-0"`, `b"input-1"`, ...
fn inputs(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|n| format!("input-{n}").into_bytes())
        .collect()
}

fn expected(inputs: &[Vec<u8>]) -> Vec<u64> {
    inputs.iter().map(|input| slow_hash(input)).collect()
}

#[test]
fn hash_all_is_pending_on_its_first_poll() {
    let bench = Bench::new(true);
    let _context = bench.runtime.enter();
    let data = inputs(4);
    let mut task = tokio_test::task::spawn(hash_all_with(data.clone(), 2, bench.hasher(4, None)));

    // Polled once, by hand, with a waker that does nothing.
    tokio_test::assert_pending!(
        task.poll(),
        "the first poll of hash_all_with(4 inputs, max_parallel 2) returned Ready: all the \
         hashing was done right there, inside poll, on the runtime's thread. While it \
         computes, no other task on that thread can run. hash_all_with should only *start* \
         the hashing elsewhere (tokio::task::spawn_blocking) and then wait for it, so its \
         first poll returns Pending."
    );

    bench.gate.open();
    let hashes = bench.run(task);
    assert_eq!(
        hashes,
        expected(&data),
        "hash_all_with(4 inputs) returned the wrong hashes (expected slow_hash of each input, \
         in input order)."
    );
}

#[test]
fn hashing_runs_off_the_runtime_thread() {
    let bench = Bench::new(false);
    let data = inputs(6);
    let hashes = bench.run(hash_all_with(data.clone(), 3, bench.hasher(6, None)));
    assert_eq!(
        hashes,
        expected(&data),
        "hash_all_with(6 inputs) returned the wrong hashes (expected slow_hash of each input, \
         in input order)."
    );
    let on_runtime = bench
        .hashed_on
        .lock()
        .unwrap()
        .iter()
        .filter(|id| **id == bench.runtime_thread)
        .count();
    assert_eq!(
        on_runtime, 0,
        "{on_runtime} of the 6 hashes ran on the runtime's own thread. CPU-heavy code \
         there blocks every other task scheduled on it, just like std::thread::sleep. Run \
         each hash in tokio::task::spawn_blocking, on the blocking thread pool."
    );
}

#[test]
fn at_most_max_parallel_hashes_at_once() {
    let bench = Bench::new(true);
    let _context = bench.runtime.enter();
    let data = inputs(12);
    let mut task = tokio_test::task::spawn(hash_all_with(data.clone(), 3, bench.hasher(12, None)));

    tokio_test::assert_pending!(
        task.poll(),
        "hash_all_with(12 inputs, max_parallel 3) was Ready on its first poll: the hashing \
         ran inline (see hash_all_is_pending_on_its_first_poll)."
    );
    bench.let_spawned_tasks_run();

    // Every hash is held at the gate, so nothing has finished yet: whatever
    // was started so far was started all at once.
    let started = bench.blocking_threads.load(Ordering::SeqCst);
    assert!(
        started <= 3,
        "hash_all_with(12 inputs, max_parallel 3) started {started} blocking tasks at once, \
         before any hash had finished; at most 3 may run at a time. Take a permit from a \
         tokio::sync::Semaphore before each spawn_blocking, and keep it until the hash is \
         done: move the permit into the closure. (A permit dropped right after \
         spawn_blocking returns limits nothing.)"
    );
    bench.wait_for_started(started);
    assert_eq!(
        started, 3,
        "hash_all_with(12 inputs, max_parallel 3) ran {started} hash(es) at a time, but it \
         may run 3. Awaiting each spawn_blocking handle right after spawning it runs the \
         hashes one after the other: start up to max_parallel before awaiting any."
    );

    bench.gate.open();
    let hashes = bench.run(task);
    assert_eq!(
        hashes,
        expected(&data),
        "hash_all_with(12 inputs) returned the wrong hashes (expected slow_hash of each input, \
         in input order)."
    );
    bench
        .probe
        .assert_peak_at_most(3, "hash_all_with(12 inputs, max_parallel 3)");
}

#[test]
fn results_are_in_input_order() {
    let bench = Bench::new(false);
    let data = inputs(5);
    // The first input's hash is held until the other four are done, so it
    // finishes last.
    let hashes = bench.run(hash_all_with(
        data.clone(),
        2,
        bench.hasher(5, Some(data[0].clone())),
    ));
    let expected = expected(&data);
    assert_eq!(
        hashes.len(),
        5,
        "hash_all_with(5 inputs) returned {} hashes, expected one per input.",
        hashes.len()
    );
    let positions: Vec<String> = hashes
        .iter()
        .map(|hash| match expected.iter().position(|e| e == hash) {
            Some(index) => format!("input {index}"),
            None => "an unknown hash".to_string(),
        })
        .collect();
    assert_eq!(
        hashes,
        expected,
        "hash_all_with(5 inputs, max_parallel 2), where input 0 is the last to finish, \
         returned the hashes of [{}], expected those of input 0, 1, 2, 3, 4 in that order. \
         Results collected as they finish (JoinSet::join_next, FuturesUnordered) come back \
         in completion order: keep the JoinHandles in input order and await them in that \
         order.",
        positions.join(", ")
    );
}

#[test]
fn hash_all_hashes_with_slow_hash() {
    let bench = Bench::new(false);
    let data: Vec<Vec<u8>> = vec![b"tokio".to_vec(), Vec::new(), b"spawn_blocking".to_vec()];
    let hashes = bench.run(hash_all(data.clone(), 2));
    assert_eq!(
        hashes,
        expected(&data),
        "hash_all([\"tokio\", \"\", \"spawn_blocking\"], 2) returned {hashes:?}, expected \
         slow_hash of each input, in order. (hash_all is given: it calls hash_all_with with \
         slow_hash; did it change?)"
    );
    let empty = bench.run(hash_all(Vec::new(), 2));
    assert!(
        empty.is_empty(),
        "hash_all(no inputs) returned {empty:?}, expected an empty Vec."
    );
}
