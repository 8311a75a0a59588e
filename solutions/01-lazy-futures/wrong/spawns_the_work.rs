//! Wrong: make_lazy hands the work to the runtime with tokio::spawn and returns an empty future, so the log is written by a background task whether or not anyone polls (or even keeps) the future.
//! Caught by: make_lazy_does_nothing_until_polled, a_lazy_future_that_is_never_polled_never_runs

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub remaining: u32,
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        self.remaining -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    // The mistake: a spawned task starts running on its own, as soon as the
    // runtime gets to it. The returned future has nothing left to do.
    tokio::spawn(async move {
        log.lock().unwrap().push("ran");
    });
    async {}
}
