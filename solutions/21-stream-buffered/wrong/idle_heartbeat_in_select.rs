//! Wrong: a `select!` loop with a 5-minute "heartbeat" branch next to the stream and the fetches: the results are right, but while the stream is quiet it wakes up every 5 minutes for nothing.
//! Caught by: a_stream_quiet_for_hours_is_fetched_to_the_end

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::stream::FuturesOrdered;
use futures::{Stream, StreamExt};

const HEARTBEAT: Duration = Duration::from_secs(300);

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, mut fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut ids = pin!(ids.fuse());
    let mut in_flight = FuturesOrdered::new();
    let mut out = Vec::new();
    let mut ended = false;
    loop {
        if ended && in_flight.is_empty() {
            return out;
        }
        tokio::select! {
            id = ids.next(), if !ended && in_flight.len() < limit => match id {
                Some(id) => in_flight.push_back(fetch(id)),
                None => ended = true,
            },
            Some(r) = in_flight.next(), if !in_flight.is_empty() => out.push(r),
            _ = tokio::time::sleep(HEARTBEAT) => {
                // still waiting; nothing to do but keep going
            }
        }
    }
}
