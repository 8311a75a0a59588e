//! Grading tests for kata 01: futures are lazy.
//!
//! Most tests poll the futures *by hand* with `tokio_test::task::spawn`,
//! which wraps a future in a mock task: `poll()` polls it once, and
//! `is_woken()` says whether the future called its waker since that poll.
//! No runtime is involved, so every step of the state machine is visible.
//! One test then awaits a `Countdown` on a real tokio runtime, to show what
//! a missing wake-up does there.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kata_01_lazy_futures::{make_lazy, Countdown};
use kata_support::{fmt_duration, no_hang, Stopwatch, HANG_LIMIT};
use tokio_test::{assert_pending, assert_ready_eq, task};

type Log = Arc<Mutex<Vec<&'static str>>>;

fn entries(log: &Log) -> Vec<&'static str> {
    log.lock().unwrap().clone()
}

#[test]
fn countdown_is_pending_until_it_reaches_zero() {
    let mut countdown = task::spawn(Countdown { remaining: 3 });
    for poll in 1..=3u32 {
        assert_pending!(
            countdown.poll(),
            "poll number {poll} of Countdown {{ remaining: 3 }} returned Ready, expected \
             Pending. A countdown from 3 answers Pending three times (3 -> 2, 2 -> 1, \
             1 -> 0) and lifts off on the fourth poll, when `remaining` is already 0."
        );
        let expected = 3 - poll;
        assert_eq!(
            countdown.remaining, expected,
            "after poll number {poll} of Countdown {{ remaining: 3 }}, `remaining` is {}, \
             expected {expected}: every Pending poll decrements it by exactly one.",
            countdown.remaining
        );
    }
    assert_ready_eq!(
        countdown.poll(),
        "liftoff",
        "the fourth poll of Countdown {{ remaining: 3 }} (`remaining` is 0 now) must \
         return Ready(\"liftoff\")."
    );
}

#[test]
fn countdown_wakes_its_waker_every_time_it_is_pending() {
    let mut countdown = task::spawn(Countdown { remaining: 4 });
    for poll in 1..=4u32 {
        assert_pending!(
            countdown.poll(),
            "poll number {poll} of Countdown {{ remaining: 4 }} returned Ready, expected \
             Pending."
        );
        assert!(
            countdown.is_woken(),
            "poll number {poll} of Countdown {{ remaining: 4 }} returned Pending without \
             waking its waker. An executor only polls a future again once its waker is \
             called: a future that returns Pending and never wakes is never polled again, \
             and whoever awaits it waits forever. Call `cx.waker().wake_by_ref()` before \
             returning Pending (here the work is ready at once, so wake immediately)."
        );
    }
    assert_ready_eq!(
        countdown.poll(),
        "liftoff",
        "the fifth poll of Countdown {{ remaining: 4 }} must return Ready(\"liftoff\")."
    );
}

#[test]
fn countdown_from_zero_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown { remaining: 0 });
    assert_ready_eq!(
        countdown.poll(),
        "liftoff",
        "Countdown {{ remaining: 0 }} has nothing left to count: its first poll must \
         return Ready(\"liftoff\")."
    );
}

#[tokio::test(start_paused = true)]
async fn countdown_runs_to_liftoff_when_awaited_on_tokio() {
    // A real executor: tokio polls the countdown, and polls it again only
    // when it is woken. Nothing here waits on a timer, so the (paused)
    // clock does not move; a countdown that never wakes leaves the runtime
    // idle, and the hang guard reports it after a minute of virtual time.
    let watch = Stopwatch::start();
    let Ok(output) = tokio::time::timeout(HANG_LIMIT, Countdown { remaining: 5 }).await else {
        panic!(
            "Countdown {{ remaining: 5 }}.await never finished: tokio stopped polling it, \
             and after {} of virtual time it was still waiting. tokio polls a task again \
             only when the task's waker is called; a future that returns Pending without \
             waking (or arranging a wake-up) is never polled again, with no error and no \
             panic. Call `cx.waker().wake_by_ref()` before returning Pending.",
            fmt_duration(HANG_LIMIT)
        );
    };
    assert_eq!(
        output, "liftoff",
        "Countdown {{ remaining: 5 }}.await returned {output:?}, expected \"liftoff\"."
    );
    watch.assert_elapsed(
        Duration::ZERO,
        "Countdown { remaining: 5 }.await",
        "A countdown never waits for anything: every poll makes progress and wakes \
         the task at once.",
    );
}

#[test]
fn make_lazy_does_nothing_until_polled() {
    let log = Log::default();
    let mut lazy = task::spawn(make_lazy(log.clone()));
    assert_eq!(
        entries(&log),
        Vec::<&str>::new(),
        "calling make_lazy(log) already wrote {:?} to the log, before anything polled \
         the future it returned. A future must do nothing until it is polled: code in \
         the body of make_lazy runs at the call, code inside the future it returns \
         (an `async move {{ .. }}` block) runs only when that future is polled.",
        entries(&log)
    );
    assert_ready_eq!(
        lazy.poll(),
        (),
        "the future returned by make_lazy must finish on its first poll: it only writes \
         to the log."
    );
    assert_eq!(
        entries(&log),
        ["ran"],
        "after the future returned by make_lazy was polled to completion, the log holds \
         {:?}, expected [\"ran\"] (exactly once).",
        entries(&log)
    );
}

#[tokio::test(start_paused = true)]
async fn a_lazy_future_that_is_never_polled_never_runs() {
    let log = Log::default();
    let awaited = make_lazy(log.clone());
    let dropped = make_lazy(log.clone());
    assert!(
        entries(&log).is_empty(),
        "two calls to make_lazy(log) wrote {:?} to the log before either future was \
         polled. Creating a future must not run it.",
        entries(&log)
    );

    drop(dropped);
    no_hang("make_lazy(log).await", awaited).await;
    assert_eq!(
        entries(&log),
        ["ran"],
        "make_lazy was called twice; one future was awaited and the other dropped \
         without ever being polled. The log holds {:?}, expected [\"ran\"]: only the \
         awaited future may run. A future that is dropped before it is polled never \
         runs at all.",
        entries(&log)
    );
}
