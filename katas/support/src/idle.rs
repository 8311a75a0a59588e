//! What does waiting code do while it waits?
//!
//! Async code that waits well costs nothing while it waits: it is parked on
//! a timer, a channel or a socket and is not polled again until that fires.
//! Code that waits badly returns the right values too, but a reader that
//! wakes every 50 ms "to check", an actor that polls its mailbox every
//! millisecond, a ticker left running in a detached task all burn the
//! runtime while nothing happens. Under the paused clock that is easy to
//! see: the runtime only wakes up from idle when a timer fires, so counting
//! its wake-ups while the test waits shows every self-made timer.
//!
//! - [`Wakeups`] counts how many times the whole runtime woke from idle
//!   (any task's timer, anywhere, including tasks the code spawned).
//! - [`count_polls`] counts the polls of one future.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::runtime::Handle;

use crate::clock::fmt_duration;

/// Wake-ups that one wait on one timer costs by itself: on its way to a far
/// deadline, tokio's timer wheel wakes up once per level it cascades
/// through (measured: 2 to 6 for sleeps of 1 s to an hour).
pub const ONE_TIMER: u64 = 6;

/// Counts the runtime's wake-ups from idle, from its creation on.
#[derive(Debug, Clone, Copy)]
pub struct Wakeups {
    at_start: u64,
}

fn parks() -> u64 {
    let metrics = Handle::current().metrics();
    (0..metrics.num_workers())
        .map(|worker| metrics.worker_park_count(worker))
        .sum()
}

impl Wakeups {
    /// Starts counting now.
    pub fn start() -> Wakeups {
        Wakeups { at_start: parks() }
    }

    /// How many times the runtime went idle (and so had to be woken) since
    /// [`Wakeups::start`].
    pub fn count(&self) -> u64 {
        parks() - self.at_start
    }

    /// Waits `quiet` of virtual time doing nothing, then asserts the
    /// runtime woke up no more than that wait costs by itself
    /// ([`ONE_TIMER`]) plus `extra`, the wake-ups the test knows it
    /// scheduled (a timer of the kata that must fire in that time).
    ///
    /// `what` describes what was waiting ("the worker, with no jobs sent").
    /// A minute of quiet catches anything that checks more often than
    /// every 5 seconds.
    pub async fn assert_quiet_for(quiet: Duration, extra: u64, what: &str) {
        let wakeups = Wakeups::start();
        tokio::time::sleep(quiet).await;
        wakeups.assert_at_most(ONE_TIMER + extra, quiet, what);
    }

    /// Asserts at most `allowed` wake-ups happened since the start; `during`
    /// is how much virtual time that was, for the message.
    #[track_caller]
    pub fn assert_at_most(&self, allowed: u64, during: Duration, what: &str) {
        let woke = self.count();
        assert!(
            woke <= allowed,
            "while {what} for {} of virtual time, the runtime was woken {woke} times, expected at \
             most {allowed}. Nothing happened in that time, so nothing should have run: something \
             is checking on a timer instead of waiting (a loop around sleep or timeout, an \
             interval, a task polling for work). Await the event itself (recv(), changed(), \
             cancelled(), a JoinHandle) so the task sleeps until there is something to do.",
            fmt_duration(during)
        );
    }
}

/// The test's side of [`count_polls`]: how many times the future was polled.
#[derive(Debug, Clone, Default)]
pub struct Polls {
    count: Arc<AtomicU64>,
}

impl Polls {
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// Asserts the future was polled at most `allowed` times in all.
    #[track_caller]
    pub fn assert_at_most(&self, allowed: u64, what: &str) {
        let polled = self.get();
        assert!(
            polled <= allowed,
            "{what} was polled {polled} times, expected at most {allowed}. A waiting future is \
             polled again only when something it waits on wakes it; extra polls mean it keeps \
             waking itself (a timer in a loop, a timeout around the wait, wake_by_ref on every \
             poll)."
        );
    }
}

/// A future that counts its polls into a [`Polls`].
pub struct Counted<F> {
    fut: Pin<Box<F>>,
    polls: Polls,
}

/// Wraps `fut` to count how many times it is polled.
pub fn count_polls<F: Future>(fut: F) -> (Counted<F>, Polls) {
    let polls = Polls::default();
    (
        Counted {
            fut: Box::pin(fut),
            polls: polls.clone(),
        },
        polls,
    )
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.count.fetch_add(1, Ordering::SeqCst);
        self.fut.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_waiting_on_a_channel_costs_no_wakeups() {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
        let waiter = tokio::spawn(async move { rx.recv().await });
        Wakeups::assert_quiet_for(Duration::from_secs(60), 0, "a receiver waits").await;
        drop(tx);
        assert_eq!(waiter.await.unwrap(), None);
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "the runtime was woken 550 times, expected at most 6")]
    async fn a_polling_loop_is_seen() {
        let poller = tokio::spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        Wakeups::assert_quiet_for(Duration::from_secs(10), 0, "a poller waits").await;
        poller.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn polls_of_one_future_are_counted() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let (fut, polls) = count_polls(rx);
        let task = tokio::spawn(fut);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(polls.get(), 1);
        tx.send(3).unwrap();
        assert_eq!(task.await.unwrap(), Ok(3));
        polls.assert_at_most(2, "a oneshot receiver");
    }
}
