//! Wrong: keeps no timer, only a deadline: it compares `Instant::now()` with it whenever something else (an item, the end) wakes the task, so a partial batch goes out at the next item after its deadline, or never if nothing comes.
//! Caught by: a_lone_item_goes_out_after_max_wait, each_batch_goes_out_when_it_is_full_or_its_time_is_up

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
        Poll::Pending
    }
}
