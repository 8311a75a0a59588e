//! Code that never waits.
//!
//! A loop around `yield_now()`, `try_recv()` or `has_changed()` returns the
//! right values, but it never waits for anything: it keeps asking. On the
//! paused clock that is worse than slow. The runtime is never idle, so
//! virtual time never moves, no timer fires, and a hang guard cannot end
//! the test: it hangs in real time until the grader's wall-clock limit, and
//! the learner gets "timed out" instead of an explanation.
//!
//! [`no_spin`] counts the polls of the code under test and fails the test,
//! with that explanation, once it has been polled far more often than code
//! that waits ever is: waiting code is polled once per wake-up, and a test
//! makes a handful of events.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many polls [`no_spin`] allows: far more than code that waits needs
/// for the events of one test, far fewer than a spinning loop makes in a
/// millisecond.
pub const SPIN_LIMIT: u64 = 10_000;

/// A future wrapped by [`no_spin`].
pub struct NoSpin<F> {
    fut: Pin<Box<F>>,
    polls: u64,
    limit: u64,
    what: String,
}

/// Awaits `fut`, failing the test if it is polled more than [`SPIN_LIMIT`]
/// times: it keeps itself busy instead of waiting.
pub fn no_spin<F: Future>(what: &str, fut: F) -> NoSpin<F> {
    no_spin_within(SPIN_LIMIT, what, fut)
}

/// [`no_spin`], with a limit of `limit` polls.
pub fn no_spin_within<F: Future>(limit: u64, what: &str, fut: F) -> NoSpin<F> {
    NoSpin {
        fut: Box::pin(fut),
        polls: 0,
        limit,
        what: what.to_string(),
    }
}

impl<F: Future> Future for NoSpin<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed).
        let this = self.get_mut();
        this.polls += 1;
        if this.polls > this.limit {
            panic!(
                "{} was polled {} times without finishing: it never waits. Something loops \
                 asking instead of awaiting (yield_now(), try_recv(), has_changed(), a future \
                 that is always ready), and keeps the thread busy: on tokio's paused clock \
                 time cannot even move on while it spins. Await the event itself (recv(), \
                 changed(), a JoinHandle): the task then sleeps until there is something to do.",
                this.what, this.limit
            );
        }
        this.fut.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waiting_code_goes_through() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let waiter = tokio::spawn(no_spin("a oneshot receiver", rx));
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        tx.send(7).unwrap();
        assert_eq!(waiter.await.unwrap(), Ok(7));
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(
        expected = "a spinning loop was polled 100 times without finishing: it never waits"
    )]
    async fn a_spinning_loop_is_stopped() {
        let flag = std::sync::atomic::AtomicBool::new(false);
        no_spin_within(100, "a spinning loop", async {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                tokio::task::yield_now().await;
            }
        })
        .await;
    }
}
