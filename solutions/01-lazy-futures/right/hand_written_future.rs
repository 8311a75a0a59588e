//! Right: an early-return `if remaining > 0` in poll, and make_lazy returning a hand-written Future struct whose poll does the work.

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
        if self.remaining > 0 {
            self.as_mut().remaining -= 1;
            let waker = cx.waker();
            waker.wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready("liftoff")
    }
}

/// Holds the log until it is polled; only `poll` touches it.
pub struct LogWhenPolled {
    log: Arc<Mutex<Vec<&'static str>>>,
}

impl Future for LogWhenPolled {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.log.lock().unwrap().push("ran");
        Poll::Ready(())
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    LogWhenPolled { log }
}
