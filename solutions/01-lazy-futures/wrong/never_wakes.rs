//! Wrong: Countdown returns Pending without waking its waker, so an executor never polls it again and `Countdown { remaining: 5 }.await` hangs forever.
//! Caught by: countdown_wakes_its_waker_every_time_it_is_pending, countdown_runs_to_liftoff_when_awaited_on_tokio

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

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        self.remaining -= 1;
        // The mistake: Pending with no wake-up arranged. Polled by hand it
        // looks fine; on a real executor it is never polled again.
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}
