//! Wrong: Countdown counts all the way down in a loop inside a single poll, so it is never Pending: the whole state machine runs in one step.
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
        // The mistake: looping until done inside poll. Each poll is meant to
        // be one step that returns, so the executor can run other tasks.
        while self.remaining > 0 {
            self.remaining -= 1;
            cx.waker().wake_by_ref();
        }
        Poll::Ready("liftoff")
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}
