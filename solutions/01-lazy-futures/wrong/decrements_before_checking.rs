//! Wrong: Countdown decrements `remaining` before looking at it, so `Countdown { remaining: 0 }` underflows the u32 and panics on its first poll.
//! Caught by: countdown_from_zero_is_ready_at_once

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
        // The mistake: the step is taken before the check, which is fine for
        // every count but 0 (0 - 1 overflows).
        let before = self.remaining;
        self.remaining -= 1;
        if before == 0 {
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
