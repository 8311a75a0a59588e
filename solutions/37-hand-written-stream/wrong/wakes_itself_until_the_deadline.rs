//! Wrong: keeps no timer, only a deadline, and while a batch waits for it, wakes itself (`wake_by_ref`) to compare `Instant::now()` with it again: a busy loop that keeps the thread at 100%; on the paused clock the runtime is never idle, so time never reaches the deadline.
//! Caught by: a_lone_item_goes_out_after_max_wait

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use pin_project_lite::pin_project;
use tokio::time::Instant;

pin_project! {
    pub struct Batches<S: Stream> {
        #[pin]
        inner: S,
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
                        return Poll::Ready(Some(std::mem::take(this.items)));
                    }
                }
                Poll::Ready(None) => {
                    *this.ended = true;
                    if this.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(std::mem::take(this.items)));
                }
                Poll::Pending => break,
            }
        }
        // Time up?
        if this.deadline.is_some_and(|at| Instant::now() >= at) {
            *this.deadline = None;
            return Poll::Ready(Some(std::mem::take(this.items)));
        }
        if this.deadline.is_some() {
            // Not yet: look again soon.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}
