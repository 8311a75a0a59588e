//! Wrong: (written blind, before the tests) remembers that the inner stream ended only when it had a last batch to flush; when the inner stream ends with no batch started, the next call polls the inner stream again.
//! Caught by: the_last_batch_comes_at_the_end_then_none_forever

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use tokio::time::{sleep, Sleep};

pub struct Batches<S: Stream> {
    inner: Pin<Box<S>>,
    timer: Option<Pin<Box<Sleep>>>,
    items: Vec<S::Item>,
    max_items: usize,
    max_wait: Duration,
    finished: bool,
}

// Every field is Unpin but the items, which are never pinned.
impl<S: Stream> Unpin for Batches<S> {}

impl<S: Stream> Batches<S> {
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        if max_items == 0 {
            panic!("max_items is 0");
        }
        Batches {
            inner: Box::pin(inner),
            timer: None,
            items: vec![],
            max_items,
            max_wait,
            finished: false,
        }
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let me = self.get_mut();
        if me.finished {
            return Poll::Ready(None);
        }
        while let Poll::Ready(next) = me.inner.as_mut().poll_next(cx) {
            match next {
                Some(item) => {
                    if me.items.is_empty() {
                        me.timer = Some(Box::pin(sleep(me.max_wait)));
                    }
                    me.items.push(item);
                    if me.items.len() >= me.max_items {
                        me.timer = None;
                        return Poll::Ready(Some(std::mem::take(&mut me.items)));
                    }
                }
                None => {
                    if me.items.is_empty() {
                        return Poll::Ready(None);
                    }
                    me.finished = true;
                    me.timer = None;
                    return Poll::Ready(Some(std::mem::take(&mut me.items)));
                }
            }
        }
        if let Some(timer) = me.timer.as_mut() {
            if timer.as_mut().poll(cx).is_ready() {
                me.timer = None;
                return Poll::Ready(Some(std::mem::take(&mut me.items)));
            }
        }
        Poll::Pending
    }
}
