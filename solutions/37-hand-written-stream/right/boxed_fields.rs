//! Right: no pin projection: the inner stream and the timer live in boxes (`Pin<Box<S>>`, `Option<Pin<Box<Sleep>>>`), which are `Unpin`, so the struct is too and `poll_next` works on `&mut Self`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio::time::{sleep, Sleep};

pub struct Batches<S: Stream> {
    inner: Pin<Box<S>>,
    timer: Option<Pin<Box<Sleep>>>,
    batch: Vec<S::Item>,
    max_items: usize,
    max_wait: Duration,
    done: bool,
}

// The items are never pinned (they only move in and out of a Vec), and
// every other field is a box: moving a Batches moves no pinned value.
impl<S: Stream> Unpin for Batches<S> {}

impl<S: Stream> Batches<S> {
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        if max_items == 0 {
            panic!("Batches::new: max_items is 0, it must be at least 1");
        }
        Batches {
            inner: Box::pin(inner),
            timer: None,
            batch: Vec::with_capacity(max_items),
            max_items,
            max_wait,
            done: false,
        }
    }

    fn flush(&mut self) -> Poll<Option<Vec<S::Item>>> {
        self.timer = None;
        Poll::Ready(Some(std::mem::replace(
            &mut self.batch,
            Vec::with_capacity(self.max_items),
        )))
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let me = self.get_mut();
        if me.done {
            return Poll::Ready(None);
        }
        while let Poll::Ready(next) = me.inner.as_mut().poll_next(cx) {
            let Some(item) = next else {
                me.done = true;
                return if me.batch.is_empty() {
                    Poll::Ready(None)
                } else {
                    me.flush()
                };
            };
            if me.batch.is_empty() {
                me.timer = Some(Box::pin(sleep(me.max_wait)));
            }
            me.batch.push(item);
            if me.batch.len() == me.max_items {
                return me.flush();
            }
        }
        match &mut me.timer {
            Some(timer) => match timer.as_mut().poll(cx) {
                Poll::Ready(()) => me.flush(),
                Poll::Pending => Poll::Pending,
            },
            None => Poll::Pending,
        }
    }
}
