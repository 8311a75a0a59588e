//! Grading tests for kata 02: build a runtime by hand.
//!
//! These are plain `#[test]`s, not `#[tokio::test]`s: the runtime under test
//! is the one `block_on_current` builds. Inside it, the tests pause tokio's
//! clock themselves (only a current-thread runtime allows that), so a 250ms
//! sleep costs no real time.
//!
//! If `block_on_current` panics (tokio panics when a driver the future
//! needs is switched off), the test fails with tokio's message and what it
//! usually means.

use std::future::Future;
use std::rc::Rc;
use std::thread;

use kata_02_runtime_by_hand::block_on_current;
use kata_support::{catch_panic, fmt_duration, ms, Stopwatch};

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
        "Your runtime starts with its clock paused (`start_paused(true)`). That is a \
         testing tool: block_on_current builds an ordinary runtime, whose clock runs."
    } else if message.contains("no reactor running") {
        "The future ran outside any tokio runtime. Build one with \
         tokio::runtime::Builder and run the future with the runtime's block_on."
    } else {
        "A correct block_on_current builds a current-thread runtime with time and I/O \
         enabled and returns `runtime.block_on(f)`."
    }
}

/// `block_on_current(fut)`, with a panic turned into a learner's message.
fn run<F: Future>(what: &str, fut: F) -> F::Output {
    match catch_panic(|| block_on_current(fut)) {
        Ok(output) => output,
        Err(message) => panic!(
            "block_on_current({what}) panicked:\n    {message}\n{}",
            advice(&message)
        ),
    }
}

#[test]
fn returns_the_output_of_the_future() {
    // block_on runs the future right here, on this thread, so the future
    // may borrow locals and hold values that are not Send (an Rc): unlike
    // tokio::spawn, block_on needs neither Send nor 'static.
    let words = ["tokio", "runs", "futures"];
    let shared = Rc::new(100);
    let output = run("a future that borrows a local and holds an Rc", async {
        words.len() + *shared
    });
    assert_eq!(
        output, 103,
        "block_on_current(async {{ words.len() + *shared }}) returned {output}, expected \
         103: block_on_current must return the future's own output."
    );
}

#[test]
fn timers_work_inside_the_runtime() {
    let slept = run("a future that sleeps for 250ms", async {
        // Pause this runtime's clock: the sleep then takes 250ms of virtual
        // time and no real time at all.
        tokio::time::pause();
        let watch = Stopwatch::start();
        tokio::time::sleep(ms(250)).await;
        watch.elapsed()
    });
    // tokio's timer counts whole milliseconds from the moment the runtime
    // was built; the clock was paused a fraction of a millisecond later, so
    // the sleep may end up to 1ms late on the virtual clock.
    assert!(
        ms(250) <= slept && slept <= ms(251),
        "tokio::time::sleep(250ms) inside block_on_current took {} of virtual time, \
         expected 250ms (give or take the timer's 1ms resolution): the sleep runs on \
         your runtime's paused clock.",
        fmt_duration(slept)
    );
}

#[cfg(unix)]
#[test]
fn io_works_inside_the_runtime() {
    let received = run(
        "a future that sends bytes through a pipe",
        kata_support::pipe_round_trip(),
    );
    assert_eq!(
        &received, b"ping",
        "bytes written into a pipe inside block_on_current came back as {received:?}."
    );
}

#[test]
fn a_spawned_task_runs_on_the_callers_thread() {
    let caller = thread::current().id();
    let (future_thread, task_thread, flavor) =
        run("a future that spawns a task and awaits it", async {
            let task = tokio::spawn(async {
                tokio::task::yield_now().await;
                thread::current().id()
            });
            let task_thread = task.await.expect("the spawned task panicked");
            let flavor = tokio::runtime::Handle::current().runtime_flavor();
            (thread::current().id(), task_thread, flavor)
        });
    assert_eq!(
        future_thread, caller,
        "the future given to block_on_current ran on another thread than the caller's. \
         block_on runs its future on the thread that calls it: do not start a thread \
         yourself."
    );
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
