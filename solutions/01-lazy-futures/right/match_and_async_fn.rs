//! Right: a `match` on the count with the waker cloned and woken by value, and make_lazy written as an `async fn`.

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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        match self.remaining {
            0 => Poll::Ready("liftoff"),
            n => {
                self.remaining = n - 1;
                cx.waker().clone().wake();
                Poll::Pending
            }
        }
    }
}

/// An `async fn` is a function returning a future: nothing in its body runs
/// before the first poll.
pub async fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) {
    let mut entries = log.lock().unwrap();
    entries.push("ran");
}
