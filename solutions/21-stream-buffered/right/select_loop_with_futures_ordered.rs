//! Right: a manual `select!` loop: a FuturesOrdered holds the fetches in flight, a new id is pulled only while fewer than `limit` are queued, and both the stream and the queue are polled in the same loop.

use std::future::Future;

use futures::stream::FuturesOrdered;
use futures::{Stream, StreamExt};

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut ids = Box::pin(ids.fuse());
    let mut queue = FuturesOrdered::new();
    let mut out = Vec::new();

    loop {
        let room = queue.len() < limit;
        tokio::select! {
            biased;
            Some(value) = queue.next(), if !queue.is_empty() => {
                out.push(value);
            }
            next = ids.next(), if room && !ids.is_done() => {
                if let Some(id) = next {
                    queue.push_back(fetch(id));
                }
            }
            else => break,
        }
    }
    out
}

trait Done {
    fn is_done(&self) -> bool;
}

impl<S: Stream> Done for std::pin::Pin<Box<futures::stream::Fuse<S>>> {
    fn is_done(&self) -> bool {
        futures::stream::FusedStream::is_terminated(self.as_ref().get_ref())
    }
}
