//! Wrong: gives up (returning the results so far) when no result comes for 5 minutes, so a stream that goes quiet for longer is silently truncated.
//! Caught by: a_stream_quiet_for_hours_is_fetched_to_the_end

use std::future::Future;
use std::time::Duration;

use futures::{Stream, StreamExt};

/// A source that says nothing for this long is considered dead.
const STALL_LIMIT: Duration = Duration::from_secs(300);

pub async fn fetch_all<F, Fut>(ids: impl Stream<Item = u32>, limit: usize, fetch: F) -> Vec<u32>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let results = ids.map(fetch).buffered(limit);
    futures::pin_mut!(results);
    let mut collected = Vec::new();
    loop {
        match tokio::time::timeout(STALL_LIMIT, results.next()).await {
            Ok(Some(result)) => collected.push(result),
            Ok(None) => break,
            Err(_stalled) => break,
        }
    }
    collected
}
