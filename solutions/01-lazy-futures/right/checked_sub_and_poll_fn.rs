//! Right: `get_mut` and `checked_sub` in poll, the wake before the state change, and make_lazy built from `std::future::poll_fn`.

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
        let this = self.get_mut();
        let Some(left) = this.remaining.checked_sub(1) else {
            return Poll::Ready("liftoff");
        };
        cx.waker().wake_by_ref();
        this.remaining = left;
        Poll::Pending
    }
}

pub fn make_lazy(log: Arc<Mutex<Vec<&'static str>>>) -> impl Future<Output = ()> {
    std::future::poll_fn(move |_cx: &mut Context<'_>| {
        log.lock().expect("log poisoned").push("ran");
        Poll::Ready(())
    })
}
