//! Does the code block its thread while it is polled?
//!
//! `std::thread::sleep(Duration::from_millis(1))` in async code is the
//! mistake kata 25 is about, and it hides well: on the paused clock it costs
//! no virtual time, so every timing a test asserts is still exact, and a
//! millisecond is far too short for a wall-clock bound to see on a loaded
//! machine without being flaky.
//!
//! The kernel sees it, though. Each time a thread gives up the CPU to wait
//! (a sleep, a blocking read, a blocking `recv`, a contended lock) its
//! *voluntary context switch* count goes up by one. A poll of async code that
//! waits the async way never does that: it returns `Pending` instead, and
//! the runtime parks the thread only between polls. [`no_blocking`] reads
//! the count (Linux: `/proc/thread-self/status`) around every poll of the
//! code under test and fails the test once the polls have blocked.
//!
//! Use it only where the code under test has no reason to touch another OS
//! thread: a poll that takes a std `Mutex` a blocking-pool thread holds
//! waits for it, correctly. On other systems it checks nothing.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Voluntary switches [`no_blocking`] lets through on one thread (a test's,
/// on the current-thread runtime) over all the calls it wraps: the kernel
/// may, rarely, make a poll wait for a page of the test binary. Code that
/// blocks once per call, or per event, blocks more often than that as soon
/// as a test makes a few calls.
pub const BLOCKING_ALLOWANCE: u64 = 2;

thread_local! {
    /// The switches seen so far by every `NoBlocking` polled on this thread.
    static BLOCKED: Cell<u64> = const { Cell::new(0) };
    /// Where a poll on this thread was last seen blocked, if it was sampled.
    static BLOCKED_AT: RefCell<Option<crate::stuck::Place>> = const { RefCell::new(None) };
}

/// A future wrapped by [`no_blocking`].
pub struct NoBlocking<F> {
    fut: Pin<Box<F>>,
    what: String,
}

/// Awaits `fut`, failing the test once the polls of every `no_blocking`
/// future on this thread have blocked it more than [`BLOCKING_ALLOWANCE`]
/// times in all. `what` names the call ("poll_all([3, 1, 2])").
pub fn no_blocking<F: Future>(what: &str, fut: F) -> NoBlocking<F> {
    NoBlocking {
        fut: Box::pin(fut),
        what: what.to_string(),
    }
}

/// The calling thread's voluntary context switches so far, where the system
/// says (Linux); `None` elsewhere.
pub fn voluntary_switches() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|count| count.trim().parse().ok())
}

impl<F: Future> Future for NoBlocking<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed).
        let this = self.get_mut();
        let before = voluntary_switches();
        // A poll that blocks for long is sampled: the failure can then
        // name the line it was blocked on (stuck.rs).
        let watch = crate::stuck::Watch::arm();
        let poll = this.fut.as_mut().poll(cx);
        if let Some(place) = watch.disarm() {
            BLOCKED_AT.with(|at| *at.borrow_mut() = Some(place));
        }
        let Some(blocked) = before.zip(voluntary_switches()).map(|(before, after)| {
            BLOCKED.with(|total| {
                total.set(total.get() + after.saturating_sub(before));
                total.get()
            })
        }) else {
            return poll;
        };
        if blocked > BLOCKING_ALLOWANCE {
            // Once is enough: the next test on this thread starts afresh.
            BLOCKED.with(|total| total.set(0));
            let at = match BLOCKED_AT.with(|at| at.borrow_mut().take()) {
                Some(place) => format!("\nIt was blocked {}.\n{}", place.describe(), place.meaning),
                None => String::new(),
            };
            panic!(
                "{} blocked its thread {} times while it was being polled: somewhere it waits \
                 the blocking way (std::thread::sleep, a blocking recv or lock, std I/O) instead \
                 of awaiting. On the paused test clock a blocking sleep costs no virtual time, \
                 so the results look right; on a real runtime every other task on this thread \
                 stops while it blocks. Wait with tokio::time::sleep(..).await, or the async \
                 version of the call, so the thread is given back to the runtime meanwhile.{at}",
                this.what, blocked
            );
        }
        poll
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn async_waits_go_through() {
        let sum = no_blocking("a loop of async sleeps", async {
            let mut sum = 0;
            for i in 0..50u64 {
                tokio::time::sleep(Duration::from_millis(7)).await;
                tokio::task::yield_now().await;
                sum += i;
            }
            sum
        })
        .await;
        assert_eq!(sum, 1225);
    }

    #[tokio::test(start_paused = true)]
    async fn blocking_sleeps_are_caught() {
        if voluntary_switches().is_none() {
            return; // Nothing to read on this system: the check is off.
        }
        let caught = tokio::spawn(crate::quiet_panics(no_blocking(
            "a loop of blocking sleeps",
            async {
                for _ in 0..10 {
                    std::thread::sleep(Duration::from_micros(50));
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
            },
        )))
        .await
        .unwrap_err();
        let message = crate::panic_message(&*caught.into_panic());
        assert!(
            message.contains("a loop of blocking sleeps blocked its thread 3 times"),
            "{message}"
        );
    }
}
