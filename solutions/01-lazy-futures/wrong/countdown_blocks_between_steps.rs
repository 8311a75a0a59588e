//! Wrong: Countdown::poll blocks the thread with std::thread::sleep on every Pending step "to avoid spinning": a poll must return at once, not block.
//! Caught by: countdown_runs_to_liftoff_when_awaited_on_tokio
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    pub remaining: u32,
}

use std::time::Duration;

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.remaining == 0 {
            return Poll::Ready("liftoff");
        }
        self.remaining -= 1;
        // Re-polling at once would spin the executor: pause a tiny bit first.
        std::thread::sleep(Duration::from_micros(200));
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    async move {
        log.lock().unwrap().push("ran");
    }
}

