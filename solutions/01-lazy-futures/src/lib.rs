//! Kata 01: futures are lazy (reference solution).
//!
//! A future is a state machine: each `poll` moves it forward as far as it
//! can without waiting, then answers `Ready` or `Pending`. Between polls it
//! does nothing at all, and before its first poll it has not even started.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// A future that counts down to liftoff, one step per poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    /// How many more times `poll` answers `Pending` before liftoff.
    pub remaining: u32,
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The whole state lives in `remaining`, so each poll is one step of
        // the state machine: look at the state, move it on, answer.
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        // `Countdown` holds nothing self-referential, so it is `Unpin` and
        // `Pin<&mut Self>` lets us change its fields directly.
        self.remaining -= 1;

        // Returning `Pending` is a promise: "I will call the waker when it
        // is worth polling me again". An executor never re-polls a pending
        // future on its own; without this call the task would sleep forever.
        // There is nothing to wait for here, so we ask to be polled again
        // right away (exactly what `tokio::task::yield_now` does). The
        // executor gets the chance to run other tasks in between.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Returns a future that pushes `"ran"` onto `log` when it is polled.
// Written out as `fn -> impl Future` on purpose, to show where the future
// begins. `pub async fn make_lazy(log: ..) { log.lock().unwrap().push("ran") }`
// is exactly the same thing: an `async fn`'s whole body is the future.
#[allow(clippy::manual_async_fn)]
pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    // Nothing runs here but building the future: the `async move` block
    // captures `log` and becomes a state machine whose body only runs on its
    // first poll. Had the push been written before the block, it would run
    // when `make_lazy` is called, whether or not anyone ever polls the
    // future; and a future that is dropped unpolled must never have run.
    async move {
        log.lock().unwrap().push("ran");
    }
}
