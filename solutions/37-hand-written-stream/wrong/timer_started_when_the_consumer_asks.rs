//! Wrong: starts the batch's timer when the consumer asks for the next batch (at the top of poll_next, whenever none runs) instead of when the batch's first item is taken, so a batch whose first item comes a while after the call goes out early.
//! Caught by: each_batch_goes_out_when_it_is_full_or_its_time_is_up

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
        // A new batch: its time starts now.
        if this.timer.is_none() {
            this.timer.set(Some(sleep(*this.max_wait)));
        }
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    this.items.push(item);
                    if this.items.len() >= *this.max_items {
                        this.timer.set(None);
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => {
                    *this.ended = true;
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
                if this.items.is_empty() {
                    // Nothing came in time: the next call starts a new batch.
                    return Poll::Pending;
                }
                return Poll::Ready(Some(std::mem::take(this.items)));
            }
        }
        Poll::Pending
    }
}
