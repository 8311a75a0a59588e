//! Wrong: each call takes every item `inner` has ready (past a full batch, into a buffer) and hands out full batches from it; the leftover items start their batch's timer when taken, so with a consumer that takes a while, that batch goes out before max_wait has passed since the consumer asked for it.
//! Caught by: no_item_is_taken_before_its_batch_needs_it

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use pin_project_lite::pin_project;
use tokio::time::{Sleep, sleep};

pin_project! {
    /// A stream of batches of the items of `inner`.
    pub struct Batches<S: Stream> {
        // Both pinned: `S` may be `!Unpin` (a stream built from an `async`
        // block), and `Sleep` always is. The projection gives `Pin<&mut _>`
        // for these two and plain `&mut _` for the rest.
        #[pin]
        inner: S,
        // The timer of the batch being filled; `None` while no batch is
        // started, so nothing wakes us while `inner` is quiet.
        #[pin]
        timer: Option<Sleep>,
        items: Vec<S::Item>,
        max_items: usize,
        max_wait: Duration,
        // `inner` returned `Ready(None)`: never poll it again.
        ended: bool,
    }
}

impl<S: Stream> Batches<S> {
    /// Batches of the items of `inner`: at most `max_items` per batch, and
    /// a batch waits at most `max_wait` after its first item.
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        assert!(
            max_items > 0,
            "Batches::new: max_items must be at least 1 (a batch that holds nothing is never full)"
        );
        // Lazy: no timer yet, nothing polled. A batch starts with its first item.
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
        // Fused: once `inner` has ended and the last batch is out, answer
        // by ourselves; `inner` may panic if polled after its end.
        if *this.ended {
            if this.items.is_empty() {
                return Poll::Ready(None);
            }
            let n = this.items.len().min(*this.max_items);
            let batch: Vec<_> = this.items.drain(..n).collect();
            this.timer.set(None);
            return Poll::Ready(Some(batch));
        }

        // A full batch left over from the last call goes out first.
        if this.items.len() >= *this.max_items {
            return Poll::Ready(Some(take_batch(
                this.items,
                *this.max_items,
                this.timer,
                *this.max_wait,
            )));
        }

        // 1. Take everything `inner` has ready. This loop only stops when
        //    `inner` says `Pending` (it then holds our waker), ends, or the
        //    batch is full (we return `Ready`: no waker needed).
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if this.items.is_empty() {
                        // The batch starts now: so does its timer.
                        // `set` replaces the pinned value in place.
                        this.timer.set(Some(sleep(*this.max_wait)));
                    }
                    this.items.push(item);
                }
                Poll::Ready(None) => {
                    *this.ended = true;
                    break;
                }
                Poll::Pending => break,
            }
        }
        // Everything ready is taken: hand out a full batch, if there is one.
        if this.items.len() >= *this.max_items {
            return Poll::Ready(Some(take_batch(
                this.items,
                *this.max_items,
                this.timer,
                *this.max_wait,
            )));
        }

        if *this.ended {
            this.timer.set(None);
            if this.items.is_empty() {
                return Poll::Ready(None);
            }
            let n = this.items.len().min(*this.max_items);
            return Poll::Ready(Some(this.items.drain(..n).collect()));
        }

        // 2. `inner` is `Pending` and has our waker. With a batch started,
        //    poll its timer too: when it is `Pending`, it has our waker as
        //    well, so whichever comes first (an item or the deadline) wakes
        //    us. Without a batch there is no timer, and `inner` alone will
        //    wake us.
        if let Some(timer) = this.timer.as_mut().as_pin_mut() {
            if timer.poll(cx).is_ready() {
                this.timer.set(None);
                return Poll::Ready(Some(std::mem::take(this.items)));
            }
        }
        Poll::Pending
    }
}

/// The first `max_items` items; the rest start the next batch, with a timer of its own.
fn take_batch<T>(
    items: &mut Vec<T>,
    max_items: usize,
    mut timer: Pin<&mut Option<Sleep>>,
    max_wait: Duration,
) -> Vec<T> {
    let batch: Vec<T> = items.drain(..max_items).collect();
    if items.is_empty() {
        timer.set(None);
    } else {
        timer.set(Some(sleep(max_wait)));
    }
    batch
}
