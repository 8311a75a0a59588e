//! Wrong: asks for `S: Unpin` so that `Pin::new(&mut self.inner)` compiles without a pin projection; right for the usual boxed streams, but a stream built from an `async` block (`stream::unfold`) is not `Unpin` and is refused.
//! Caught by: inputs_need_no_extra_traits

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio::time::{sleep, Sleep};

pub struct Batches<S: Stream> {
    inner: S,
    timer: Option<Pin<Box<Sleep>>>,
    items: Vec<S::Item>,
    max_items: usize,
    max_wait: Duration,
    ended: bool,
}

impl<S: Stream + Unpin> Unpin for Batches<S> {}

impl<S: Stream + Unpin> Batches<S> {
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

impl<S: Stream + Unpin> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        this.timer = Some(Box::pin(sleep(this.max_wait)));
                    }
                    this.items.push(item);
                    if this.items.len() >= this.max_items {
                        this.timer = None;
                        return Poll::Ready(Some(std::mem::take(&mut this.items)));
                    }
                }
                Poll::Ready(None) => {
                    this.ended = true;
                    this.timer = None;
                    if this.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(std::mem::take(&mut this.items)));
                }
                Poll::Pending => break,
            }
        }
        if let Some(timer) = this.timer.as_mut() {
            if timer.as_mut().poll(cx).is_ready() {
                this.timer = None;
                return Poll::Ready(Some(std::mem::take(&mut this.items)));
            }
        }
        Poll::Pending
    }
}
