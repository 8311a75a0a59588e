//! Wrong: spawns a task that drives the inner stream and forwards its items over a channel, and batches what comes out of the channel; when the Batches is dropped, the task keeps running, holding the inner stream (and the inner stream must now be `Send + 'static`).
//! Caught by: dropping_batches_stops_everything

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{sleep, Sleep};

pub struct Batches<S: Stream> {
    rx: mpsc::UnboundedReceiver<S::Item>,
    timer: Option<Pin<Box<Sleep>>>,
    items: Vec<S::Item>,
    max_items: usize,
    max_wait: Duration,
    ended: bool,
    _inner: PhantomData<fn() -> S>,
}

impl<S: Stream> Unpin for Batches<S> {}

impl<S> Batches<S>
where
    S: Stream + Send + 'static,
    S::Item: Send + 'static,
{
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        assert!(max_items > 0, "max_items must be at least 1");
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut inner = Box::pin(inner);
            while let Some(item) = inner.next().await {
                if tx.send(item).is_err() {
                    break;
                }
            }
        });
        Batches {
            rx,
            timer: None,
            items: Vec::new(),
            max_items,
            max_wait,
            ended: false,
            _inner: PhantomData,
        }
    }
}

impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        loop {
            match this.rx.poll_recv(cx) {
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
