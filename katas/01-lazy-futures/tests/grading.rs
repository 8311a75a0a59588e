//! Grading tests for kata 01: futures are lazy.
//!
//! Most tests poll the futures *by hand* with `tokio_test::task::spawn`,
//! which wraps a future in a mock task: `poll()` polls it once, and
//! `is_woken()` says whether the future called its waker since that poll.
//! No runtime is involved, so every step of the state machine is visible.
//! Other tests await the futures on a real tokio runtime, to show what a
//! missing wake-up (or a countdown that never ends) does there.
//!
//! Countdowns start from many different, seeded values (a failure names
//! its seed and how to replay it), so a state machine that is right for
//! one number and wrong for another does not slip through.
//!
//! | mistake a learner makes | test that catches it |
//! |---|---|
//! | `Pending` without waking the waker: never polled again | `countdown_wakes_its_waker_every_time_it_is_pending`, `countdown_runs_to_liftoff_when_awaited_on_tokio` (hang guard) |
//! | wakes only on some polls (the first, the last) | `countdown_wakes_its_waker_every_time_it_is_pending` |
//! | decrements, then checks: lifts off one poll early | `countdown_is_pending_until_it_reaches_zero` |
//! | decrements a copy (`let mut r = self.remaining`): never reaches 0 | `countdown_is_pending_until_it_reaches_zero`, `countdown_runs_to_liftoff_when_awaited_on_tokio` (poll cap) |
//! | counts down in a loop inside one poll: never `Pending` | `countdown_is_pending_until_it_reaches_zero` |
//! | decrements before looking at 0: overflow panic on `remaining: 0` | `countdown_from_zero_is_ready_at_once` |
//! | `make_lazy` does the work when called, not when polled | `make_lazy_does_nothing_until_polled`, `a_lazy_future_that_is_never_polled_never_runs` |
//! | `make_lazy` spawns the work (it runs without anyone polling) | `make_lazy_does_nothing_until_polled`, `a_lazy_future_that_is_never_polled_never_runs` |

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use kata_01_lazy_futures::{Countdown, make_lazy};
use kata_support::{
    HANG_LIMIT, Stopwatch, assert_no_leaked_tasks, catch_panic, fmt_duration, for_each_seed,
    for_each_seed_sync, ms, no_blocking, no_hang,
};
use tokio_test::{assert_ready_eq, task};

type Log = Arc<Mutex<Vec<&'static str>>>;

fn entries(log: &Log) -> Vec<&'static str> {
    log.lock().unwrap().clone()
}

/// Polls `Countdown { remaining: start }` by hand until it lifts off (or
/// clearly never will), checking every step: `Pending` exactly `start`
/// times, `remaining` one less after each, `Ready("liftoff")` after that.
/// `after_pending` sees the mock task after each `Pending` poll, so a
/// caller can check wake-ups too.
fn step_through(start: u32, mut after_pending: impl FnMut(u32, &mut task::Spawn<Countdown>)) {
    let name = format!("Countdown {{ remaining: {start} }}");
    let mut countdown = task::spawn(Countdown { remaining: start });
    for poll in 1..=start {
        let before = countdown.remaining;
        match countdown.poll() {
            Poll::Ready(output) => panic!(
                "poll number {poll} of {name} returned Ready({output:?}) (with `remaining` at \
                 {before} before that poll), expected Pending. A countdown from {start} answers \
                 Pending {start} times, one step per poll, and lifts off on poll number {}, \
                 when `remaining` is already 0. {}",
                start + 1,
                if poll == 1 && start > 1 {
                    "Ready on the very first poll means all the counting happened inside one \
                     poll (a loop): each poll must do one step and return."
                } else {
                    "Ready one poll early usually means `remaining` is decremented first and \
                     checked afterwards: check for 0 first, then decrement."
                }
            ),
            Poll::Pending => {}
        }
        let expected = start - poll;
        let now = countdown.remaining;
        assert_eq!(
            now,
            expected,
            "after poll number {poll} of {name}, `remaining` is {now}, expected {expected}: \
             every Pending poll decrements it by exactly one.{}",
            if now == before {
                " It did not change at all: is the decrement applied to a copy (`let mut \
                 remaining = self.remaining;`) or a clone instead of `self.remaining`?"
            } else {
                ""
            }
        );
        after_pending(poll, &mut countdown);
    }
    match countdown.poll() {
        Poll::Ready(output) => assert_eq!(
            output, "liftoff",
            "{name} lifted off with {output:?}, expected \"liftoff\"."
        ),
        Poll::Pending => panic!(
            "poll number {} of {name} (`remaining` is 0 now) returned Pending, expected \
             Ready(\"liftoff\"): once `remaining` is 0 there is nothing left to count.",
            start + 1
        ),
    }
}

#[test]
fn countdown_is_pending_until_it_reaches_zero() {
    step_through(3, |_, _| {});
    for_each_seed_sync(32, |mut rng| {
        step_through(rng.range(1, 40) as u32, |_, _| {});
    });
}

#[test]
fn countdown_wakes_its_waker_every_time_it_is_pending() {
    let check = |start: u32| {
        step_through(start, |poll, countdown| {
            assert!(
                countdown.is_woken(),
                "poll number {poll} of Countdown {{ remaining: {start} }} returned Pending \
                 without waking its waker. An executor only polls a future again once its \
                 waker is called: a future that returns Pending and never wakes is never \
                 polled again, and whoever awaits it waits forever. Every Pending poll must \
                 call `cx.waker().wake_by_ref()` (here the next step is ready at once, so \
                 wake immediately, on every poll, not only on some)."
            );
        })
    };
    check(4);
    for_each_seed_sync(32, |mut rng| check(rng.range(1, 40) as u32));
}

#[test]
fn countdown_from_zero_is_ready_at_once() {
    let mut countdown = task::spawn(Countdown { remaining: 0 });
    let polled = catch_panic(|| countdown.poll()).unwrap_or_else(|message| {
        panic!(
            "the first poll of Countdown {{ remaining: 0 }} panicked: {message}\n\
             With `remaining` at 0 there is nothing left to count: check for 0 first and \
             return Ready(\"liftoff\"), before decrementing (0 - 1 overflows a u32)."
        )
    });
    assert_ready_eq!(
        polled,
        "liftoff",
        "Countdown {{ remaining: 0 }} has nothing left to count: its first poll must \
         return Ready(\"liftoff\")."
    );
}

/// Counts the polls of the countdown it wraps, and stops a countdown that
/// would run forever (it keeps waking itself and never lifts off): the
/// runtime would never go idle, so no timer could end the test.
struct PollCap {
    countdown: Countdown,
    polls: u32,
    cap: u32,
}

impl Future for PollCap {
    type Output = (&'static str, u32);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.polls += 1;
        let (polls, cap) = (self.polls, self.cap);
        if polls > cap {
            panic!(
                "Countdown {{ remaining: {} }}.await was polled {polls} times and is still not \
                 finished, although it must lift off on poll number {cap}. `remaining` is \
                 {} now. Does each poll decrement `self.remaining` itself (not a copy or a \
                 clone), and return Ready once it is 0?",
                cap - 1,
                self.countdown.remaining
            );
        }
        match Pin::new(&mut self.countdown).poll(cx) {
            Poll::Ready(output) => Poll::Ready((output, polls)),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[tokio::test(start_paused = true)]
async fn countdown_runs_to_liftoff_when_awaited_on_tokio() {
    for_each_seed(16, |mut rng| async move {
        // Past 128 steps too: tokio's cooperative budget must not matter.
        let start = rng.range(0, 300) as u32;
        let name = format!("Countdown {{ remaining: {start} }}.await");
        // A real executor: tokio polls the countdown, and polls it again
        // only when it is woken. Nothing here waits on a timer, so the
        // (paused) clock does not move; a countdown that never wakes leaves
        // the runtime idle, and the hang guard reports it after a minute of
        // virtual time.
        let watch = Stopwatch::start();
        let counted = PollCap {
            countdown: Countdown { remaining: start },
            polls: 0,
            cap: start + 1,
        };
        // Each step must return at once, too: a countdown that blocks its
        // thread between steps stops every other task on it.
        let counted = no_blocking(&name, counted);
        let Ok((output, polls)) = tokio::time::timeout(HANG_LIMIT, counted).await else {
            panic!(
                "{name} never finished: tokio stopped polling it, and after {} of virtual \
                 time it was still waiting. tokio polls a task again only when the task's \
                 waker is called; a future that returns Pending without waking (or arranging \
                 a wake-up) is never polled again, with no error and no panic. Call \
                 `cx.waker().wake_by_ref()` before returning Pending, on every poll.",
                fmt_duration(HANG_LIMIT)
            );
        };
        assert_eq!(
            output, "liftoff",
            "{name} returned {output:?}, expected \"liftoff\"."
        );
        assert_eq!(
            polls,
            start + 1,
            "{name} was polled {polls} times by tokio, expected {}: Pending {start} times, \
             then Ready.",
            start + 1
        );
        watch.assert_elapsed(
            Duration::ZERO,
            &name,
            "A countdown never waits for anything: every poll makes progress and wakes the \
             task at once.",
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn make_lazy_does_nothing_until_polled() {
    let log = Log::default();
    let mut lazy = task::spawn(make_lazy(log.clone()));
    // Give the runtime every chance to run anything make_lazy might have
    // started on its own: a task it spawned, a timer it set.
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(ms(1013)).await;
    assert_eq!(
        entries(&log),
        Vec::<&str>::new(),
        "calling make_lazy(log) wrote {:?} to the log, before anything polled the future \
         it returned. A future must do nothing until it is polled: code in the body of \
         make_lazy runs at the call (and a task it spawns runs on its own), while code \
         inside the future it returns (an `async move {{ .. }}` block) runs only when that \
         future is polled.",
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
    assert_no_leaked_tasks("make_lazy's future finished").await;
}

#[tokio::test(start_paused = true)]
async fn a_lazy_future_that_is_never_polled_never_runs() {
    for_each_seed(16, |mut rng| async move {
        let log = Log::default();
        let made = rng.range(2, 9) as usize;
        let mut futures: Vec<_> = (0..made).map(|_| Some(make_lazy(log.clone()))).collect();
        tokio::task::yield_now().await;
        assert!(
            entries(&log).is_empty(),
            "{made} calls to make_lazy(log) wrote {:?} to the log before any of the futures \
             was polled. Creating a future must not run it.",
            entries(&log)
        );

        // Await some of them, in a shuffled order; drop the others unpolled.
        let mut order = rng.permutation(made);
        let awaited = rng.range(1, made as u64 - 1) as usize;
        for &index in &order[..awaited] {
            let future = futures[index].take().expect("each future is used once");
            no_hang("make_lazy(log).await", future).await;
        }
        for index in order.split_off(awaited) {
            drop(futures[index].take());
        }
        tokio::time::sleep(ms(2027)).await;
        assert_eq!(
            entries(&log),
            vec!["ran"; awaited],
            "make_lazy was called {made} times; {awaited} of the futures were awaited and the \
             other {} dropped without ever being polled. The log holds {:?}, expected \"ran\" \
             {awaited} times: only an awaited future may run. A future that is dropped before \
             it is polled never runs at all.",
            made - awaited,
            entries(&log)
        );
        assert_no_leaked_tasks("the futures from make_lazy were awaited or dropped").await;
    })
    .await;
}
