//! Wrong: (written blind, before the tests) measures how long the batch has waited with std::time::Instant and re-arms a tokio sleep for the rest on every call; std time does not follow tokio's clock, so the wait starts over at every call and a batch goes out late whenever items trickle in.
//! Caught by: each_batch_goes_out_when_it_is_full_or_its_time_is_up

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
        started: Option<Instant>,
        max_items: usize,
        max_wait: Duration,
        done: bool,
    }
}

impl<S: Stream> Batches<S> {
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        assert!(max_items >= 1, "max_items must be at least 1");
        Batches {
            inner,
            timer: None,
            items: Vec::new(),
            started: None,
            max_items,
            max_wait,
            done: false,
        }
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        *this.started = Some(Instant::now());
                    }
                    this.items.push(item);
                    if this.items.len() >= *this.max_items {
                        *this.started = None;
                        this.timer.set(None);
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => {
                    *this.done = true;
                    this.timer.set(None);
                    if this.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(std::mem::take(this.items)));
                }
                Poll::Pending => break,
            }
        }
        let Some(started) = *this.started else {
            return Poll::Pending;
        };
        let left = this.max_wait.saturating_sub(started.elapsed());
        this.timer.set(Some(sleep(left)));
        match this.timer.as_mut().as_pin_mut().unwrap().poll(cx) {
            Poll::Ready(()) => {
                *this.started = None;
                this.timer.set(None);
                Poll::Ready(Some(std::mem::take(this.items)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
