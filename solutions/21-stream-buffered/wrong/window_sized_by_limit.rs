//! Wrong: a hand-made window that reserves room for `limit` fetches up front (`VecDeque::with_capacity(limit)`), so a caller who passes a very large limit (`usize::MAX`, "no limit") gets a capacity-overflow panic instead of its results.
//! Caught by: never_more_than_limit_fetches_at_once_with_a_large_limit

use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;

use futures::Stream;

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut ids = pin!(ids);
    // At most `limit` fetches in flight: reserve that many slots up front.
    let mut slots: VecDeque<(Pin<Box<Fut>>, Option<u32>)> = VecDeque::with_capacity(limit);
    let mut out = Vec::new();
    let mut ended = false;
    futures::future::poll_fn(|cx| {
        loop {
            let mut pulled = false;
            while !ended && slots.len() < limit {
                match ids.as_mut().poll_next(cx) {
                    Poll::Ready(Some(id)) => {
                        slots.push_back((Box::pin(fetch(id)), None));
                        pulled = true;
                    }
                    Poll::Ready(None) => ended = true,
                    Poll::Pending => break,
                }
            }
            for (fut, res) in slots.iter_mut() {
                if res.is_none() {
                    if let Poll::Ready(r) = fut.as_mut().poll(cx) {
                        *res = Some(r);
                    }
                }
            }
            let mut freed = false;
            while let Some((_, Some(r))) = slots.front() {
                out.push(*r);
                slots.pop_front();
                freed = true;
            }
            if ended && slots.is_empty() {
                return Poll::Ready(());
            }
            if !(freed || pulled) {
                return Poll::Pending;
            }
        }
    })
    .await;
    out
}
