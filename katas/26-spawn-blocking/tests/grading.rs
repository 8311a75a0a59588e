//! Grading tests for kata 26: move CPU-heavy work off the runtime.
//!
//! These tests run on real threads (spawn_blocking uses real OS threads), so
//! they do not pause the clock, and they never measure time. Instead, the
//! hash function they pass to `hash_all_with` is instrumented:
//!
//! - it records which thread it runs on;
//! - a [`ConcurrencyProbe`] counts how many hashes run at once;
//! - each input can be held at a *gate* until the test releases it, so the
//!   test can look at what `hash_all_with` started before any hash finished,
//!   and let the hashes finish in an order of its choosing.
//!
//! Each test builds its own current-thread runtime (the kind
//! `#[tokio::test]` uses), which counts the blocking threads it starts, and
//! polls `hash_all_with` by hand. Inputs (their number, lengths and bytes,
//! some repeated), `max_parallel` and the order hashes finish in come from
//! fixed seeds; a failure names its seed and the command that replays it.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | hashing inline in the async fn: the first poll does all the work | `hash_all_is_pending_on_its_first_poll` |
//! | `std::thread::spawn` and `join()` inside the async fn: the runtime's thread blocks on the join | `hash_all_is_pending_on_its_first_poll` |
//! | a special case hashed inline (a single input, `max_parallel` 1: "no point in a thread") | `hashing_runs_off_the_runtime_thread`, `hash_all_is_pending_on_its_first_poll` |
//! | `tokio::spawn(async { hash(..) })`: an async task runs on the runtime's thread | `hashing_runs_off_the_runtime_thread` |
//! | a `std::thread::spawn` per hash (a permit moved in, the result sent back on a oneshot): off the runtime, but not on tokio's blocking pool | `hashing_runs_off_the_runtime_thread` |
//! | a `yield_now().await` first (so the first poll is Pending), then hashing inline | `hashing_runs_off_the_runtime_thread` |
//! | `block_in_place`: panics on a current-thread runtime | `hashing_runs_off_the_runtime_thread` (and every other test) |
//! | no limit: a blocking task per input, all at once | `at_most_max_parallel_hashes_at_once` |
//! | a permit taken, then dropped as soon as `spawn_blocking` returns | `at_most_max_parallel_hashes_at_once` |
//! | the permit taken inside the blocking closure: every input gets a blocking thread that waits | `at_most_max_parallel_hashes_at_once` |
//! | each handle awaited right after spawning it: one at a time | `at_most_max_parallel_hashes_at_once` |
//! | fixed batches (`chunks(max_parallel)`), or a window that waits for the oldest: a free slot stays unused until others finish | `a_free_slot_is_used_at_once` |
//! | results in completion order (`join_next`), or sorted | `results_are_in_input_order` |
//! | waiting for the handles with a `yield_now` loop (until `is_finished`) instead of awaiting them | `hash_all_is_pending_on_its_first_poll` |
//! | each handle awaited under a `timeout` (a "still waiting" loop): wakes itself while a long hash runs | `hash_all_is_pending_on_its_first_poll` (the paused clock advanced by hours) |
//! | a task per input (`tokio::spawn`) left running when the caller drops `hash_all_with` | `a_dropped_call_starts_no_more_hashes` |

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use kata_26_spawn_blocking::{hash_all, hash_all_with, slow_hash};
use kata_support::{ConcurrencyProbe, Rng, for_each_seed_sync};
use tokio::runtime::Runtime;

/// How long a held hash waits for the test at most: a safety net that only
/// matters when a test has already gone wrong.
const HOLD_LIMIT: Duration = Duration::from_secs(1);

/// The name the test's runtime gives the threads of its blocking pool.
const BLOCKING_THREAD: &str = "kata-26-blocking";

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

/// Where held hashes wait until the test lets them go: all at once, or
/// input by input.
#[derive(Default)]
struct Gates {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    all_open: bool,
    released: Vec<Vec<u8>>,
}

impl Gates {
    fn open_all(&self) {
        self.state.lock().unwrap().all_open = true;
        self.changed.notify_all();
    }

    fn release(&self, input: &[u8]) {
        self.state.lock().unwrap().released.push(input.to_vec());
        self.changed.notify_all();
    }

    fn wait(&self, input: &[u8]) {
        let state = self.state.lock().unwrap();
        let _unused = self
            .changed
            .wait_timeout_while(state, HOLD_LIMIT, |state| {
                !state.all_open && !state.released.iter().any(|r| r == input)
            })
            .unwrap();
    }
}

/// Every hash that started: its input, and the thread it ran on.
type Started = Vec<(Vec<u8>, ThreadId)>;

/// The test bench: a runtime that counts its blocking threads, and the
/// instruments of the hash function.
struct Bench {
    runtime: Runtime,
    blocking_threads: Arc<AtomicUsize>,
    runtime_thread: ThreadId,
    probe: ConcurrencyProbe,
    gates: Arc<Gates>,
    /// The inputs whose hash has started, in the order they started, and
    /// the thread each ran on.
    started: Arc<Mutex<Started>>,
    finished: Arc<AtomicUsize>,
    others_done: Arc<Gates>,
    /// The inputs hashed on a thread that is neither the runtime's nor one
    /// of its blocking pool (a `std::thread::spawn` of the solution's own).
    off_the_pool: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Bench {
    /// A bench whose gates start closed (`closed = true`) or open.
    fn new(closed: bool) -> Bench {
        Bench::with_clock(closed, false)
    }

    /// A bench whose runtime's clock is paused (`paused = true`): time moves
    /// only when the test advances it, and (since blocking tasks are
    /// running) never on its own.
    fn with_clock(closed: bool, paused: bool) -> Bench {
        explain_block_in_place_panics();
        let blocking_threads = Arc::new(AtomicUsize::new(0));
        let count = blocking_threads.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(paused)
            // Called once for every thread the runtime starts: on a
            // current-thread runtime, those are the blocking pool's threads.
            .thread_name_fn(move || {
                count.fetch_add(1, Ordering::SeqCst);
                BLOCKING_THREAD.to_string()
            })
            .build()
            .expect("the test's runtime could not be built");
        let gates = Arc::new(Gates::default());
        if !closed {
            gates.open_all();
        }
        Bench {
            runtime,
            blocking_threads,
            runtime_thread: thread::current().id(),
            probe: ConcurrencyProbe::new(),
            gates,
            started: Arc::default(),
            finished: Arc::default(),
            others_done: Arc::default(),
            off_the_pool: Arc::default(),
        }
    }

    /// The instrumented hash function. `hold` (if any) is an input whose
    /// hash waits until every other input has been hashed.
    fn hasher(
        &self,
        total: usize,
        hold: Option<Vec<u8>>,
    ) -> impl Fn(&[u8]) -> u64 + Send + Sync + 'static + use<> {
        let probe = self.probe.clone();
        let gates = self.gates.clone();
        let runtime_thread = self.runtime_thread;
        let started = self.started.clone();
        let finished = self.finished.clone();
        let others_done = self.others_done.clone();
        let off_the_pool = self.off_the_pool.clone();
        move |data: &[u8]| {
            let _in_flight = probe.enter();
            let me = thread::current().id();
            started.lock().unwrap().push((data.to_vec(), me));
            // The runtime names every thread of its blocking pool.
            if me != runtime_thread && thread::current().name() != Some(BLOCKING_THREAD) {
                off_the_pool.lock().unwrap().push(data.to_vec());
            }
            // Never hold the runtime's own thread at a gate: nothing could
            // ever open it. (Hashing there is wrong anyway; the tests say so.)
            if me != runtime_thread {
                gates.wait(data);
                if hold.as_deref() == Some(data) {
                    others_done.wait(data);
                }
            }
            let value = slow_hash(data);
            if finished.fetch_add(1, Ordering::SeqCst) + 1 == total - 1 {
                others_done.open_all();
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

    /// The inputs whose hash has started so far, in order.
    fn started_inputs(&self) -> Vec<Vec<u8>> {
        let started = self.started.lock().unwrap();
        started.iter().map(|(input, _)| input.clone()).collect()
    }

    /// Polls `task` whenever it is woken and lets spawned tasks run, until
    /// `done` holds or `limit` of real time has passed. Returns `done()`.
    fn drive_until<F: Future>(
        &self,
        task: &mut tokio_test::task::Spawn<F>,
        limit: Duration,
        done: impl Fn() -> bool,
    ) -> bool {
        let give_up = Instant::now() + limit;
        while !done() && Instant::now() < give_up {
            if task.is_woken() {
                let _ = task.poll();
            }
            self.let_spawned_tasks_run();
            thread::yield_now();
        }
        done()
    }
}

impl Drop for Bench {
    // However a test ends, let held hashes finish, or the runtime would
    // wait for them when it shuts down.
    fn drop(&mut self) {
        self.gates.open_all();
        self.others_done.open_all();
    }
}

/// `count` different inputs of different lengths (one of them may be empty).
fn distinct_inputs(rng: &mut Rng, count: usize) -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    while inputs.len() < count {
        let len = rng.range(0, 40) as usize;
        let input: Vec<u8> = (0..len).map(|_| rng.range(0, 255) as u8).collect();
        if !inputs.contains(&input) {
            inputs.push(input);
        }
    }
    inputs
}

fn expected(inputs: &[Vec<u8>]) -> Vec<u64> {
    inputs.iter().map(|input| slow_hash(input)).collect()
}

fn describe(inputs: &[Vec<u8>]) -> String {
    format!(
        "{} inputs of {} bytes",
        inputs.len(),
        inputs
            .iter()
            .map(|i| i.len().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[test]
fn hash_all_is_pending_on_its_first_poll() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::with_clock(true, true);
        let _context = bench.runtime.enter();
        // (Few inputs: code that blocks in its first poll waits for the held
        // hashes, which give up after a second each.)
        // A single input and max_parallel 1 included: even one hash, run
        // inline, blocks the runtime's thread.
        let limit = rng.range(1, 3) as usize;
        let count = rng.range(1, limit as u64 + 1) as usize;
        let data = distinct_inputs(&mut rng, count);
        let mut task = tokio_test::task::spawn(hash_all_with(
            data.clone(),
            limit,
            bench.hasher(count, None),
        ));

        // Polled once, by hand, with every hash held at its gate.
        tokio_test::assert_pending!(
            task.poll(),
            "the first poll of hash_all_with({}, max_parallel {limit}) returned Ready: all the \
             hashing was done right there, inside poll, on the runtime's thread (or the poll \
             waited for other threads to do it: a JoinHandle of std::thread joined with \
             join()). While it computes or waits like that, no other task on that thread can \
             run. hash_all_with should only *start* the hashing elsewhere \
             (tokio::task::spawn_blocking) and then wait for it with `.await`, so its first \
             poll returns Pending.",
            describe(&data)
        );

        // Then, with every hash it started held, it has nothing to do but
        // wait: polled once more, it must not ask to be polled again at once.
        bench.drive_until(&mut task, Duration::from_secs(1), || {
            bench.probe.started() >= count.min(limit)
        });
        let _ = task.poll();
        assert!(
            !task.is_woken(),
            "hash_all_with({}, max_parallel {limit}), polled while every hash it started was \
             still running, asked to be polled again at once (it woke itself up): it does not \
             wait for the hashes, it keeps checking on them (a loop around yield_now or \
             JoinHandle::is_finished). Await each JoinHandle: the task then sleeps until that \
             hash is done.",
            describe(&data)
        );
        // Nor on a timer: hours pass (on the paused clock, in no real time)
        // while the hashes are still held.
        bench
            .runtime
            .block_on(tokio::time::advance(Duration::from_secs(3 * 3600 + 17)));
        bench.let_spawned_tasks_run();
        assert!(
            !task.is_woken(),
            "hash_all_with({}, max_parallel {limit}) was woken up while every hash it started \
             was still running and the clock moved on by 3 hours: it set a timer of its own (a \
             timeout around each handle, a periodic \"still waiting\" check, a sleep loop). \
             Await each JoinHandle with nothing around it: the task then sleeps until that \
             hash is done, however long that takes.",
            describe(&data)
        );

        bench.gates.open_all();
        let hashes = bench.run(task);
        assert_eq!(
            hashes,
            expected(&data),
            "hash_all_with({}) returned the wrong hashes (expected slow_hash of each input, in \
             input order).",
            describe(&data)
        );
    });
}

#[test]
fn hashing_runs_off_the_runtime_thread() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::new(false);
        let count = rng.range(1, 8) as usize;
        let limit = rng.range(1, 4) as usize;
        let data = distinct_inputs(&mut rng, count);
        // Some inputs, then a single one (the same size of job must not be
        // run differently because there is only one).
        for data in [data.clone(), data[..1].to_vec()] {
            let hashes = bench.run(hash_all_with(
                data.clone(),
                limit,
                bench.hasher(data.len(), None),
            ));
            assert_eq!(
                hashes,
                expected(&data),
                "hash_all_with({}) returned the wrong hashes (expected slow_hash of each input, \
                 in input order).",
                describe(&data)
            );
        }
        let on_runtime = bench
            .started
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, id)| *id == bench.runtime_thread)
            .count();
        assert_eq!(
            on_runtime,
            0,
            "hash_all_with was called with {} and then with 1 input (max_parallel {limit}): \
             {on_runtime} of the {} hashes ran on the runtime's own thread. CPU-heavy code \
             there blocks every other task scheduled on it, just like std::thread::sleep: that \
             is also true inside a task made with tokio::spawn, which runs on the runtime's \
             threads, and for a single input or max_parallel 1 too (one hash blocks the thread \
             as long as any). Run every hash in tokio::task::spawn_blocking, on the blocking \
             thread pool.",
            describe(&data),
            count + 1
        );
        let off_the_pool = bench.off_the_pool.lock().unwrap().len();
        assert_eq!(
            off_the_pool,
            0,
            "hash_all_with was called with {} and then with 1 input (max_parallel {limit}): \
             {off_the_pool} of the {} hashes ran on a thread of your own \
             (std::thread::spawn), not on tokio's blocking pool. A new OS thread per hash is \
             what the pool is there to avoid: it keeps its threads and reuses them, and the \
             runtime knows about them (and waits for them when it shuts down). Run every \
             hash with tokio::task::spawn_blocking.",
            describe(&data),
            count + 1
        );
    });
}

#[test]
fn at_most_max_parallel_hashes_at_once() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::new(true);
        let _context = bench.runtime.enter();
        let limit = rng.range(1, 4) as usize;
        let count = limit + rng.range(3, 9) as usize;
        let data = distinct_inputs(&mut rng, count);
        let what = format!("hash_all_with({}, max_parallel {limit})", describe(&data));
        let mut task = tokio_test::task::spawn(hash_all_with(
            data.clone(),
            limit,
            bench.hasher(count, None),
        ));

        tokio_test::assert_pending!(
            task.poll(),
            "{what} was Ready on its first poll: the hashing ran inline (see \
             hash_all_is_pending_on_its_first_poll)."
        );
        // Let it start whatever it starts; every hash is held at its gate, so
        // nothing finishes meanwhile.
        bench.drive_until(&mut task, Duration::from_secs(1), || {
            bench.probe.started() >= limit
        });
        bench.let_spawned_tasks_run();

        let threads = bench.blocking_threads.load(Ordering::SeqCst);
        assert!(
            threads <= limit,
            "{what} started {threads} blocking tasks before any hash had finished; at most \
             {limit} may run at a time. Take a permit from a tokio::sync::Semaphore before each \
             spawn_blocking (not inside the closure: a blocking task that waits for a permit \
             still holds a thread), and keep it until the hash is done: move the permit into \
             the closure. (A permit dropped right after spawn_blocking returns limits nothing.)"
        );
        // Nothing can finish now, so code that waits has nothing to do: polled
        // once more, it must not ask to be polled again at once.
        let _ = task.poll();
        assert!(
            !task.is_woken(),
            "{what}, polled while every hash it started was still running, asked to be \
             polled again at once (it woke itself up): it does not wait for the hashes, it \
             keeps checking on them (a loop around yield_now or JoinHandle::is_finished). \
             Await each JoinHandle: the task then sleeps until that hash is done."
        );
        let started = bench.probe.started();
        assert_eq!(
            started, limit,
            "{what} ran {started} hash(es) at a time, but it may run {limit}, and the inputs \
             were there. Awaiting each spawn_blocking handle right after spawning it runs the \
             hashes one after the other: start up to max_parallel before awaiting any."
        );

        bench.gates.open_all();
        let hashes = bench.run(task);
        assert_eq!(
            hashes,
            expected(&data),
            "{what} returned the wrong hashes (expected slow_hash of each input, in input order)."
        );
        bench.probe.assert_peak_at_most(limit, &what);
    });
}

#[test]
fn a_free_slot_is_used_at_once() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::new(true);
        let _context = bench.runtime.enter();
        let limit = rng.range(2, 4) as usize;
        let count = limit + rng.range(3, 7) as usize;
        let data = distinct_inputs(&mut rng, count);
        let what = format!("hash_all_with({}, max_parallel {limit})", describe(&data));
        let mut task = tokio_test::task::spawn(hash_all_with(
            data.clone(),
            limit,
            bench.hasher(count, None),
        ));
        let _ = task.poll();
        assert!(
            bench.drive_until(&mut task, Duration::from_secs(1), || {
                bench.probe.started() >= limit
            }),
            "{what} started {} hashes, expected {limit} to start at once.",
            bench.probe.started()
        );

        // Let one hash finish at a time, each time the one of the latest
        // input among those running: the next input must start at once,
        // while the others still run.
        let mut released: Vec<usize> = Vec::new();
        for round in 1..=(count - limit).min(3) {
            let started_so_far = bench.started_inputs();
            let running: Vec<usize> = started_so_far
                .iter()
                .map(|input| data.iter().position(|d| d == input).unwrap())
                .filter(|index| !released.contains(index))
                .collect();
            let latest = *running.iter().max().unwrap();
            bench.gates.release(&data[latest]);
            released.push(latest);
            let started = bench.drive_until(&mut task, Duration::from_secs(1), || {
                bench.probe.started() > started_so_far.len()
            });
            assert!(
                started,
                "{what}: the hashes of inputs {running:?} were running; input {latest}'s \
                 finished while the others still ran, and no new hash started (still {} \
                 started after 1s). A slot is free the moment any hash finishes: start the \
                 next input then. Running fixed batches (chunks of max_parallel, each awaited \
                 whole), or waiting for the oldest handle before starting another, leaves the \
                 slot empty while a slow hash holds up the rest. A semaphore permit moved into \
                 the spawn_blocking closure frees the slot when that very hash is done. \
                 (Round {round}.)",
                bench.probe.started()
            );
            assert!(
                bench.probe.in_flight() <= limit,
                "{what}: {} hashes ran at once after one finished, expected at most {limit}.",
                bench.probe.in_flight()
            );
        }
        bench.gates.open_all();
        let hashes = bench.run(task);
        assert_eq!(
            hashes,
            expected(&data),
            "{what} returned the wrong hashes (expected slow_hash of each input, in input order)."
        );
        bench.probe.assert_peak_at_most(limit, &what);
    });
}

#[test]
fn results_are_in_input_order() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::new(false);
        let count = rng.range(3, 8) as usize;
        let mut data = distinct_inputs(&mut rng, count);
        // One input is held until every other one is done, so it finishes
        // last; a few others appear twice.
        let held = rng.range(0, count as u64 - 2) as usize;
        for _ in 0..rng.range(0, 2) {
            let copy = data[rng.range(0, count as u64 - 1) as usize].clone();
            if copy != data[held] {
                data.push(copy);
            }
        }
        let mut rest: Vec<Vec<u8>> = data.split_off(held + 1);
        rng.shuffle(&mut rest);
        data.extend(rest);
        let limit = rng.range(2, 4) as usize;
        let hashes = bench.run(hash_all_with(
            data.clone(),
            limit,
            bench.hasher(data.len(), Some(data[held].clone())),
        ));
        let expected = expected(&data);
        assert_eq!(
            hashes.len(),
            data.len(),
            "hash_all_with({}) returned {} hashes, expected one per input.",
            describe(&data),
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
            "hash_all_with({}, max_parallel {limit}), where input {held} is the last to finish, \
             returned the hashes of [{}], expected those of inputs 0 to {} in that order. \
             Results collected as they finish (JoinSet::join_next, FuturesUnordered) come back \
             in completion order, and sorting them does not bring back the input order: keep \
             the JoinHandles in input order and await them in that order (or remember each \
             input's index).",
            describe(&data),
            positions.join(", "),
            data.len() - 1
        );
    });
}

#[test]
fn hash_all_hashes_with_slow_hash() {
    // slow_hash is given; these are its values, so that a changed slow_hash
    // cannot agree with itself below.
    for (input, hash) in [
        (&b""[..], 0xcbf2_9ce4_8422_2325_u64),
        (b"tokio", 0x7610_2644_4e14_2465),
        (b"kata 26", 0x026b_34b7_2998_4b05),
    ] {
        assert_eq!(
            slow_hash(input),
            hash,
            "slow_hash({:?}) changed: it is given, put the starter's slow_hash back.",
            String::from_utf8_lossy(input)
        );
    }
    for_each_seed_sync(4, |mut rng| {
        let bench = Bench::new(false);
        let count = rng.range(1, 5) as usize;
        let mut data = distinct_inputs(&mut rng, count);
        data.push(Vec::new());
        rng.shuffle(&mut data);
        let hashes = bench.run(hash_all(data.clone(), rng.range(1, 3) as usize));
        assert_eq!(
            hashes,
            expected(&data),
            "hash_all({}) returned {hashes:?}, expected slow_hash of each input, in order. \
             (hash_all is given: it calls hash_all_with with slow_hash; did it change?)",
            describe(&data)
        );
        let empty = bench.run(hash_all(Vec::new(), 2));
        assert!(
            empty.is_empty(),
            "hash_all(no inputs) returned {empty:?}, expected an empty Vec."
        );
    });
}

#[test]
fn a_dropped_call_starts_no_more_hashes() {
    for_each_seed_sync(8, |mut rng| {
        let bench = Bench::new(true);
        let _context = bench.runtime.enter();
        let limit = rng.range(1, 3) as usize;
        let count = limit + rng.range(2, 6) as usize;
        let data = distinct_inputs(&mut rng, count);
        let what = format!("hash_all_with({}, max_parallel {limit})", describe(&data));
        let mut task = tokio_test::task::spawn(hash_all_with(
            data.clone(),
            limit,
            bench.hasher(count, None),
        ));
        let _ = task.poll();
        bench.drive_until(&mut task, Duration::from_secs(1), || {
            bench.probe.started() >= limit
        });

        // The caller gives up (a timeout around hash_all_with): its future
        // is dropped while `limit` hashes run and the rest wait.
        drop(task);
        bench.let_spawned_tasks_run();
        let alive = bench.runtime.metrics().num_alive_tasks();
        assert_eq!(
            alive, 0,
            "{what} was dropped by its caller while {limit} hashes ran, and {alive} task(s) it \
             spawned were still alive afterwards, waiting to start more hashes that nobody \
             will ever read. Tasks spawned with tokio::spawn keep running when their \
             JoinHandle is dropped: keep them in a JoinSet (dropping it aborts them), or \
             spawn the blocking work straight from hash_all_with."
        );
        // The hashes already running finish; no new one may start.
        bench.gates.open_all();
        let give_up = Instant::now() + Duration::from_secs(1);
        while bench.probe.in_flight() > 0 && Instant::now() < give_up {
            bench.let_spawned_tasks_run();
            thread::yield_now();
        }
        bench.let_spawned_tasks_run();
        let started = bench.probe.started();
        assert_eq!(
            started, limit,
            "{what} was dropped by its caller while {limit} hashes ran; afterwards {started} \
             hashes had started in all. Once the caller is gone, inputs that were not started \
             must not be."
        );
    });
}
