//! Wrong: Countdown lifts off on the poll that brings `remaining` to 0, so `Countdown { remaining: 3 }` is Pending only twice instead of three times.
//! Caught by: countdown_is_pending_until_it_reaches_zero

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
        // The mistake: decrement first, then check, so the state machine
        // skips its last Pending step.
        self.remaining = self.remaining.saturating_sub(1);
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}
