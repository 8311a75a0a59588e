//! Kata 01: futures are lazy.
//!
//! A future is a value that knows how to make progress when it is *polled*,
//! and does nothing at all otherwise. An executor (tokio, or `.await` inside
//! another future) calls `poll`; the future does a bit of work and answers
//! `Poll::Ready(output)` or `Poll::Pending`. A future that answers `Pending`
//! promises to call the waker it was given when it is worth polling again;
//! if it never does, it is never polled again.
//!
//! Fill in the two `todo!()`s below. Read README.md first: it explains the
//! exact behaviour the tests expect.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// A future that counts down to liftoff, one step per poll.
///
/// Given to you: do not change the struct, only write `poll` below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    /// How many more times `poll` answers `Pending` before liftoff.
    pub remaining: u32,
}

impl Future for Countdown {
    type Output = &'static str;

    /// One step of the countdown.
    ///
    /// - If `remaining` is 0: return `Poll::Ready("liftoff")`.
    /// - Otherwise: decrement `remaining`, wake the waker in `cx` (so that
    ///   the executor polls again), and return `Poll::Pending`.
    ///
    /// So `Countdown { remaining: 3 }` is `Pending` three times, then
    /// `Ready("liftoff")` on the fourth poll.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = (self, cx);
        todo!("count down one step, wake the waker, or lift off")
    }
}

/// Returns a future that pushes `"ran"` onto `log` when it is polled, and
/// not a moment earlier: calling `make_lazy` must not touch `log`.
pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    // Return a future that logs "ran" only once it is polled. (`todo!()`
    // needs a concrete type to stand in for; the `as ...` only names one.
    // Replace the whole line.)
    let _ = log;
    todo!("return a future that logs \"ran\" when polled") as std::future::Ready<()>
}
