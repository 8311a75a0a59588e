//! Wrong: Countdown wakes its waker only on the poll that brings `remaining` to 0 ("wake me when I am ready"), so every earlier Pending leaves the task asleep and a countdown from more than 1 is never polled again.
//! Caught by: countdown_wakes_its_waker_every_time_it_is_pending

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
        // The mistake: "the waker is for when the result is ready", so it is
        // only called once the next poll would lift off.
        if self.remaining == 0 {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}
