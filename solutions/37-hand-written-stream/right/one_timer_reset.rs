//! Right: one pinned `Sleep` for the stream's whole life, made in `new` and moved to each batch's deadline with `Sleep::reset`; a flag says whether a batch is waiting on it (a fired or stale timer is simply not polled). The inner stream is fused with `StreamExt::fuse`, so it is never polled after its end.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{Fuse, FusedStream};
use futures::{Stream, StreamExt};
use pin_project_lite::pin_project;
use tokio::time::{sleep, Instant, Sleep};

pin_project! {
    pub struct Batches<S: Stream> {
        #[pin]
        inner: Fuse<S>,
        #[pin]
        timer: Sleep,
        waiting: bool,
        items: Vec<S::Item>,
        max_items: usize,
        max_wait: Duration,
    }
}

impl<S: Stream> Batches<S> {
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        assert_ne!(max_items, 0, "max_items must be at least 1");
        Batches {
            inner: inner.fuse(),
            // Not polled until a batch starts, so it never wakes anyone
            // before that.
            timer: sleep(Duration::ZERO),
            waiting: false,
            items: Vec::new(),
            max_items,
            max_wait,
        }
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            // `Fuse` answers `Ready(None)` by itself once the inner stream ended.
            if this.inner.is_terminated() {
                if this.items.is_empty() {
                    return Poll::Ready(None);
                }
                *this.waiting = false;
                return Poll::Ready(Some(std::mem::take(this.items)));
            }
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        this.timer.as_mut().reset(Instant::now() + *this.max_wait);
                        *this.waiting = true;
                    }
                    this.items.push(item);
                    if this.items.len() == *this.max_items {
                        *this.waiting = false;
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => continue,
                Poll::Pending => break,
            }
        }
        if *this.waiting && this.timer.poll(cx).is_ready() {
            *this.waiting = false;
            return Poll::Ready(Some(std::mem::take(this.items)));
        }
        Poll::Pending
    }
}
