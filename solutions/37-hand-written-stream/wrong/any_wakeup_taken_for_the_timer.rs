//! Wrong: polls the timer once when the batch starts (so it holds the waker), then takes any call in which nothing came from the inner stream for the timer firing; right only if nothing else ever polls it, so a consumer that also waits on a ticker in select! (or an inner stream that answers Pending now and then) gets its batches early.
//! Caught by: dropping_next_half_way_loses_nothing, each_batch_goes_out_when_it_is_full_or_its_time_is_up

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
        let mut took_an_item = false;
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        this.timer.set(Some(sleep(*this.max_wait)));
                        // Poll it once so that it wakes us at the deadline.
                        let _ = this.timer.as_mut().as_pin_mut().unwrap().poll(cx);
                    }
                    this.items.push(item);
                    took_an_item = true;
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
        // Nothing came from `inner` in this call: what woke us was the timer.
        if !took_an_item && !this.items.is_empty() {
            this.timer.set(None);
            return Poll::Ready(Some(std::mem::take(this.items)));
        }
        Poll::Pending
    }
}
