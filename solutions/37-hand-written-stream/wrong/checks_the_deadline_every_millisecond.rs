//! Wrong: checks the batch's deadline with a 1ms timer, started anew on every call (a polling loop): the batches go out on time, but a batch that waits wakes the runtime a thousand times a second.
//! Caught by: waiting_wakes_nothing

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use pin_project_lite::pin_project;
use tokio::time::{sleep, Instant, Sleep};

pin_project! {
    pub struct Batches<S: Stream> {
        #[pin]
        inner: S,
        #[pin]
        tick: Option<Sleep>,
        deadline: Option<Instant>,
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
            tick: None,
            deadline: None,
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
                        *this.deadline = Some(Instant::now() + *this.max_wait);
                    }
                    this.items.push(item);
                    if this.items.len() >= *this.max_items {
                        *this.deadline = None;
                        this.tick.set(None);
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => {
                    *this.ended = true;
                    this.tick.set(None);
                    if this.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(std::mem::take(this.items)));
                }
                Poll::Pending => break,
            }
        }
        let Some(deadline) = *this.deadline else {
            return Poll::Pending;
        };
        if Instant::now() >= deadline {
            *this.deadline = None;
            this.tick.set(None);
            return Poll::Ready(Some(std::mem::take(this.items)));
        }
        // Check again in a millisecond.
        this.tick.set(Some(sleep(Duration::from_millis(1))));
        let _ = this.tick.as_mut().as_pin_mut().unwrap().poll(cx);
        Poll::Pending
    }
}
