//! Wrong: Countdown decrements a clone of itself instead of `self.remaining`, so the countdown itself never changes: it wakes and returns Pending forever.
//! Caught by: countdown_is_pending_until_it_reaches_zero, countdown_runs_to_liftoff_when_awaited_on_tokio

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        // The mistake: `self` is behind a Pin, so the count is taken from a
        // clone; the decrement changes the clone, never the countdown.
        let mut next = self.clone();
        next.remaining -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}
