//! Kata 37: a `Stream` written by hand.
//!
//! `Batches` wraps another stream and hands its items on in batches
//! (`Vec`s): a batch goes out as soon as it holds `max_items` items, or
//! when `max_wait` has passed since its first item arrived, whichever comes
//! first. That needs two things to wait on at once, the inner stream and a
//! timer, and no `async` block to hide the waiting in: you write
//! `poll_next` yourself.
//!
//! Fill in the `todo!()`s below. Read README.md first: it explains
//! `poll_next`, `Pin` and wakers, and exactly what the tests check.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use pin_project_lite::pin_project;

pin_project! {
    /// A stream of batches of the items of `inner`.
    ///
    /// Made with [`Batches::new`]; see [`Stream for Batches`](#impl-Stream-for-Batches<S>)
    /// for when each batch goes out.
    pub struct Batches<S: Stream> {
        // `#[pin]` makes the projection (`self.project()`) give a
        // `Pin<&mut S>` for this field, which is what `poll_next` on it needs.
        #[pin]
        inner: S,
        // Add what else you need: the items of the batch being filled, the
        // batch's timer (a `tokio::time::Sleep`: it must be pinned too, so
        // mark it `#[pin]`; `Option<Sleep>` works, see the README), the two
        // limits, and whether `inner` has ended.
    }
}

impl<S: Stream> Batches<S> {
    /// Batches of the items of `inner`: at most `max_items` per batch, and
    /// a batch waits at most `max_wait` after its first item.
    ///
    /// # Panics
    ///
    /// If `max_items` is 0 (a batch that can hold nothing would never be
    /// full, and never be anything but empty).
    pub fn new(inner: S, max_items: usize, max_wait: Duration) -> Batches<S> {
        let _ = (inner, max_items, max_wait);
        todo!("check max_items, and build a Batches that has no batch started yet")
    }
}

/// When a batch goes out:
///
/// - as soon as it holds `max_items` items;
/// - when `max_wait` has passed since its first item was taken from `inner`;
/// - when `inner` ends (the last batch, however small, at once).
///
/// A batch is never empty. After `inner` has ended and the last batch is
/// out, `Ready(None)`, on that poll and on every later one, and `inner` is
/// never polled again.
impl<S: Stream> Stream for Batches<S> {
    type Item = Vec<S::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // 1. If `inner` has ended, answer `Ready(None)`.
        // 2. Take every item `inner` has ready (poll it in a loop until it
        //    says `Pending`); the first item of a batch starts its timer,
        //    and a full batch goes out at once.
        // 3. `inner` ended (`Ready(None)`)? Out with the batch, if any.
        // 4. `inner` is `Pending`: with a batch started, poll its timer.
        //    Return `Pending` only when what you polled last said `Pending`:
        //    it holds your waker then, and will wake you.
        let _ = (self.project(), cx);
        todo!("poll_next: take what inner has ready, then look at the timer")
    }
}
