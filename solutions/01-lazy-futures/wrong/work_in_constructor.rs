//! Wrong: make_lazy writes "ran" to the log when it is called and returns an already finished future, so the work happens even if the future is never polled.
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
    // The mistake: this line runs at the call, not when the future is polled.
    log.lock().unwrap().push("ran");
    async {}
}
