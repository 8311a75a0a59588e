//! Grading tests for kata 02: build a runtime by hand.
//!
//! These are plain `#[test]`s, not `#[tokio::test]`s: the runtime under test
//! is the one `block_on_current` builds. Inside it, the tests pause tokio's
//! clock themselves (only a current-thread runtime allows that), so a sleep
//! costs no real time.
//!
//! Each call runs on a helper thread of its own, which the test waits for
//! at most a few seconds of real time: a runtime that is never driven (a
//! future run with `Handle::block_on`, say) would otherwise hang the test
//! forever instead of failing it. A correct call takes microseconds.
//!
//! If `block_on_current` panics (tokio panics when a driver the future
//! needs is switched off), the test fails with tokio's message and what it
//! usually means.
//!
//! `tests/block_on_takes_any_future.rs` checks, by compiling, that the
//! future needs neither `Send` nor `'static`.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | no time driver (`enable_io` only) | `timers_work_inside_the_runtime` |
//! | no I/O driver (`enable_time` only) | `io_works_inside_the_runtime` |
//! | a multi-thread runtime (`new_multi_thread`, `Runtime::new`) | `a_spawned_task_runs_on_the_callers_thread`, `timers_work_inside_the_runtime` |
//! | `start_paused(true)`: a testing switch, the clock is frozen | `timers_work_inside_the_runtime` |
//! | `handle().block_on(f)`: nothing drives the runtime's drivers and tasks | `timers_work_inside_the_runtime`, `a_spawned_task_runs_on_the_callers_thread` |
//! | one runtime kept and reused (a global): tasks outlive the call | `tasks_left_running_are_dropped_with_the_runtime` |
//! | `Send + 'static` bounds (spawning `f`, then blocking on its handle) | `block_on_takes_any_future` (does not compile) |
//! | anything wrapped around `f` (a "safety" timeout, a deadline) | `a_future_may_run_for_hours` |
//! | the caller's ambient runtime reused (`Handle::try_current`) instead of a new one | `a_call_from_a_blocking_task_gets_a_runtime_of_its_own` |
//! | the runtime kept going after `f` returns (a grace sleep, a second `block_on`) | `tasks_left_running_get_no_more_time_after_f_returns` |

use std::sync::mpsc;
use std::thread::{self, ThreadId};
use std::time::Duration;

use kata_02_runtime_by_hand::block_on_current;
use kata_support::{
    DropFlag, EventLog, Stopwatch, catch_panic, fmt_duration, for_each_seed_sync, ms,
};

/// How long a call may take, in real time, before it counts as a hang. A
/// correct one takes microseconds.
const REAL_TIME_LIMIT: Duration = Duration::from_millis(1500);

/// What a panic from inside `block_on_current` usually means.
fn advice(message: &str) -> &'static str {
    if message.contains("timers are disabled") {
        "Your runtime has no time driver, so nothing in tokio::time (sleep, timeout, \
         interval) works in it. Switch the driver on with `.enable_time()` on the \
         Builder, or `.enable_all()` for time and I/O together."
    } else if message.contains("IO is disabled") {
        "Your runtime has no I/O driver, so nothing in tokio::net (or tokio::process, \
         tokio::signal) works in it. Switch the driver on with `.enable_io()` on the \
         Builder, or `.enable_all()` for time and I/O together."
    } else if message.contains("requires the `current_thread`") {
        "This test pauses the clock of the runtime it runs on, and only a current-thread \
         runtime can be paused: yours is a multi-thread runtime (Builder::new_multi_thread \
         or Runtime::new). Build it with Builder::new_current_thread()."
    } else if message.contains("already frozen") {
        "Your runtime's clock was already paused when the future started. Either the \
         runtime starts paused (`start_paused(true)`, a testing tool: block_on_current \
         builds an ordinary runtime, whose clock runs), or it is not a new runtime: an \
         earlier call's future paused it (build a new runtime for every call)."
    } else if message.contains("no reactor running") {
        "The future ran outside any tokio runtime. Build one with \
         tokio::runtime::Builder and run the future with the runtime's block_on."
    } else {
        "A correct block_on_current builds a current-thread runtime with time and I/O \
         enabled and returns `runtime.block_on(f)`, with nothing wrapped around f (no \
         timeout, no deadline): f may legitimately run for hours."
    }
}

/// Runs `call` (which calls `block_on_current`) on a thread of its own and
/// returns its output, turning a panic into a learner's message and a hang
/// into a failure after [`REAL_TIME_LIMIT`].
fn on_own_thread<R: Send + 'static>(what: &str, call: impl FnOnce() -> R + Send + 'static) -> R {
    let (done, outcome) = mpsc::channel();
    let caller = thread::Builder::new()
        .name("block_on_current's caller".to_string())
        .spawn(move || {
            // A `todo!()` is not caught: it unwinds this thread, and the
            // test passes it on below.
            let _ = done.send(catch_panic(call));
        })
        .expect("starting the caller's thread");
    match outcome.recv_timeout(REAL_TIME_LIMIT) {
        Ok(Ok(output)) => {
            let _ = caller.join();
            output
        }
        Ok(Err(message)) => panic!(
            "block_on_current({what}) panicked:\n    {message}\n{}",
            advice(&message)
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => match caller.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the caller's thread always reports before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "block_on_current({what}) had not returned after {} of real time, where it takes \
             microseconds: the runtime is not driving the future. Runtime::block_on runs the \
             future *and* the runtime (its timers, its I/O, the tasks spawned on it) on the \
             calling thread. `runtime.handle().block_on(f)` (or any executor other than the \
             runtime's own block_on) polls the future but never drives a current-thread \
             runtime's timers or tasks, so a sleep, a read or a spawned task waits forever. \
             Call block_on on the Runtime itself.",
            kata_support::fmt_duration(REAL_TIME_LIMIT)
        ),
    }
}

#[test]
fn timers_work_inside_the_runtime() {
    for_each_seed_sync(8, |mut rng| {
        let nap = ms(rng.odd_ms(20, 2000));
        let what = format!("a future that sleeps for {}", fmt_duration(nap));
        let slept = on_own_thread(&what, move || {
            block_on_current(async move {
                // Pause this runtime's clock: the sleep then takes virtual
                // time and no real time at all.
                tokio::time::pause();
                let watch = Stopwatch::start();
                tokio::time::sleep(nap).await;
                watch.elapsed()
            })
        });
        // tokio's timer counts whole milliseconds from the moment the
        // runtime was built; the clock was paused a fraction of a
        // millisecond later, so the sleep may end up to 1ms late on the
        // virtual clock.
        assert!(
            nap <= slept && slept <= nap + ms(1),
            "tokio::time::sleep({}) inside block_on_current took {} of virtual time, \
             expected {} (give or take the timer's 1ms resolution): the sleep runs on \
             your runtime's paused clock.",
            fmt_duration(nap),
            fmt_duration(slept),
            fmt_duration(nap)
        );
    });
}

#[test]
fn a_future_may_run_for_hours() {
    for_each_seed_sync(2, |mut rng| {
        // Hours of virtual time: free on a paused clock, and longer than
        // any "safety" limit someone might wrap around the future.
        let nap = ms(rng.odd_ms(3 * 3_600_000, 30 * 3_600_000));
        let what = format!(
            "a future that sleeps for {} in three steps",
            fmt_duration(nap)
        );
        let slept = on_own_thread(&what, move || {
            block_on_current(async move {
                tokio::time::pause();
                let watch = Stopwatch::start();
                for step in [nap / 3, nap / 3, nap - 2 * (nap / 3)] {
                    tokio::time::sleep(step).await;
                }
                watch.elapsed()
            })
        });
        assert!(
            nap <= slept && slept <= nap + ms(3),
            "a future that sleeps for {} inside block_on_current took {} of virtual time. \
             block_on_current must run f for as long as f takes and return its output: \
             nothing may be wrapped around it (no timeout, no deadline, no extra wait).",
            fmt_duration(nap),
            fmt_duration(slept)
        );
    });
}

/// What `block_on_current` saw when called from a blocking task: the
/// caller's thread, the threads the future and its tasks ran on, the
/// runtime's flavor, and whether a task it left running was dropped.
type FromBlockingTask = (ThreadId, ThreadId, Vec<ThreadId>, String, bool);

#[test]
fn a_call_from_a_blocking_task_gets_a_runtime_of_its_own() {
    // Sync code inside a tokio program runs in `spawn_blocking`; a library
    // with a blocking API built on block_on_current is called from there.
    // That thread knows the program's runtime (Handle::try_current
    // succeeds), but block_on_current must still build its own.
    let (caller, future_thread, task_threads, flavor, dropped): FromBlockingTask = on_own_thread(
        "called from spawn_blocking inside a multi-thread runtime",
        || {
            let program = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("building the test's own multi-thread runtime");
            program.block_on(async {
                tokio::task::spawn_blocking(|| {
                    let caller = thread::current().id();
                    let (flag, probe) = DropFlag::new();
                    let (future_thread, task_threads, flavor) = block_on_current(async move {
                        drop(tokio::spawn(async move {
                            let _probe = probe;
                            std::future::pending::<()>().await;
                        }));
                        let tasks: Vec<_> = (0..4)
                            .map(|_| {
                                tokio::spawn(async {
                                    tokio::task::yield_now().await;
                                    thread::current().id()
                                })
                            })
                            .collect();
                        let mut task_threads = Vec::new();
                        for task in tasks {
                            task_threads.push(task.await.expect("a spawned task panicked"));
                        }
                        let flavor = tokio::runtime::Handle::current().runtime_flavor();
                        (thread::current().id(), task_threads, format!("{flavor:?}"))
                    });
                    let dropped = flag.is_dropped();
                    (caller, future_thread, task_threads, flavor, dropped)
                })
                .await
                .expect("the blocking task that calls block_on_current panicked")
            })
        },
    );
    let reused = "When block_on_current is called from sync code inside another runtime (here \
         from spawn_blocking, where Handle::try_current() finds the program's multi-thread \
         runtime), it must still build a current-thread runtime of its own for the call, \
         not borrow the caller's runtime.";
    assert_eq!(
        future_thread, caller,
        "the future ran on another thread than the caller of block_on_current. {reused}"
    );
    for task_thread in task_threads {
        assert_eq!(
            task_thread, caller,
            "a task spawned inside block_on_current ran on thread {task_thread:?}, not on the \
             caller's thread {caller:?} (the runtime's flavor is {flavor}). {reused}"
        );
    }
    assert!(
        dropped,
        "a task the future left running was still alive after block_on_current returned: it \
         was spawned on a runtime that outlives the call. {reused}"
    );
}

#[cfg(unix)]
#[test]
fn io_works_inside_the_runtime() {
    let received = on_own_thread("a future that sends bytes through a pipe", || {
        block_on_current(kata_support::pipe_round_trip())
    });
    assert_eq!(
        &received, b"ping",
        "bytes written into a pipe inside block_on_current came back as {received:?}."
    );
}

#[test]
fn a_spawned_task_runs_on_the_callers_thread() {
    let (caller, future_thread, task_threads, flavor) =
        on_own_thread("a future that spawns tasks and awaits them", || {
            let caller = thread::current().id();
            let (future_thread, task_threads, flavor) = block_on_current(async {
                let tasks: Vec<_> = (0..5)
                    .map(|_| {
                        tokio::spawn(async {
                            tokio::task::yield_now().await;
                            thread::current().id()
                        })
                    })
                    .collect();
                let mut task_threads: Vec<ThreadId> = Vec::new();
                for task in tasks {
                    task_threads.push(task.await.expect("a spawned task panicked"));
                }
                let flavor = tokio::runtime::Handle::current().runtime_flavor();
                (thread::current().id(), task_threads, flavor)
            });
            (caller, future_thread, task_threads, flavor)
        });
    assert_eq!(
        future_thread, caller,
        "the future given to block_on_current ran on another thread than the caller's. \
         block_on runs its future on the thread that calls it: do not start a thread \
         yourself."
    );
    for task_thread in task_threads {
        assert_eq!(
            task_thread, caller,
            "a task spawned inside block_on_current ran on thread {task_thread:?}, but the \
             caller of block_on_current is thread {caller:?} (the runtime's flavor is \
             {flavor:?}). A current-thread runtime runs every task on the one thread that \
             calls block_on; a multi-thread runtime (Builder::new_multi_thread, \
             Runtime::new, plain #[tokio::main]) starts worker threads and runs spawned \
             tasks there. Build it with Builder::new_current_thread()."
        );
    }
}

#[test]
fn tasks_left_running_are_dropped_with_the_runtime() {
    for call in 1..=3 {
        let (flag, probe) = DropFlag::new();
        // Checked on the caller's thread, right after block_on_current
        // returns: the runtime it built must be gone by then.
        let dropped = on_own_thread(
            "a future that spawns a task that never finishes, and returns",
            move || {
                block_on_current(async move {
                    drop(tokio::spawn(async move {
                        let _probe = probe;
                        std::future::pending::<()>().await;
                    }));
                });
                flag.is_dropped()
            },
        );
        assert!(
            dropped,
            "call number {call} to block_on_current returned, but a task its future spawned \
             (and left running) was still alive afterwards. block_on_current builds a new \
             runtime for the call; once block_on returns, the runtime is dropped, and \
             dropping a runtime drops every task still on it. A runtime kept somewhere and \
             reused (a global, a thread_local, a leaked Box) keeps those tasks alive from one \
             call to the next."
        );
    }
}

#[test]
fn tasks_left_running_get_no_more_time_after_f_returns() {
    for_each_seed_sync(6, |mut rng| {
        // f works for an irregular while; one task it leaves behind is
        // ready to run the moment f returns, another one's timer fires a
        // few (irregular) milliseconds after f returns.
        let work = ms(rng.odd_ms(20, 900));
        let lag = ms(rng.odd_ms(2, 40));
        let what = format!(
            "a future that works for {}, then returns leaving two tasks behind: one ready to \
             run, one whose timer fires {} later",
            fmt_duration(work),
            fmt_duration(lag)
        );
        let log = on_own_thread(&what, move || {
            block_on_current(async move {
                tokio::time::pause();
                let log = EventLog::undrawn();
                let late = log.clone();
                drop(tokio::spawn(async move {
                    tokio::time::sleep(work + lag).await;
                    late.record("the task whose timer fired after f returned ran");
                }));
                tokio::time::sleep(work).await;
                let ready = log.clone();
                drop(tokio::spawn(async move {
                    ready.record("the task that was ready when f returned ran");
                }));
                log
            })
        });
        assert!(
            log.events().is_empty(),
            "{what}: after f returned, the tasks it left behind went on running:\n{log}\
             block_on_current returns as soon as f does and drops its runtime, with every \
             task still on it: no grace period for them (no extra sleep, yield or second \
             block_on after f, no shutdown that waits for tasks)."
        );
    });
}
