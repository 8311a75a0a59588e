//! Wrong: does not remember that the inner stream ended: every later call polls it again, which a stream may answer with a panic (this one does) or with garbage.
//! Caught by: the_last_batch_comes_at_the_end_then_none_forever

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use pin_project_lite::pin_project;
use tokio::time::{sleep, Sleep};

pin_project! {
    pub struct Batches<S: Stream> {
        #[pin]
        inner: S,
        #[pin]
        timer: Option<Sleep>,
        items: Vec<S::Item>,
        max_items: usize,
        max_wait: Duration,
        ended: bool,
    }
}

impl<S: Stream> Batches<S> {
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        assert!(max_items > 0, "max_items must be at least 1");
        Batches {
            inner,
            timer: None,
            items: Vec::new(),
            max_items,
            max_wait,
            ended: false,
        }
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if *this.ended {
            return Poll::Ready(None);
        }
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        this.timer.set(Some(sleep(*this.max_wait)));
                    }
                    this.items.push(item);
                    if this.items.len() >= *this.max_items {
                        this.timer.set(None);
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => {
                    this.timer.set(None);
                    if this.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(std::mem::take(this.items)));
                }
                Poll::Pending => break,
            }
        }
        if let Some(timer) = this.timer.as_mut().as_pin_mut() {
            if timer.poll(cx).is_ready() {
                this.timer.set(None);
                return Poll::Ready(Some(std::mem::take(this.items)));
            }
        }
        Poll::Pending
    }
}
