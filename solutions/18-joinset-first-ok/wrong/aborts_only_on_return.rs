//! Wrong: spawns the jobs with `tokio::spawn`, keeps their AbortHandles and aborts every one before it returns; right when it returns, but when the caller drops first_ok's future half-way (a timeout around it) it never reaches those aborts, and the jobs keep running.
//! Caught by: dropping_first_ok_stops_every_job

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let aborts: Vec<_> = handles.iter().map(|h| h.abort_handle()).collect();
    let mut running: FuturesUnordered<_> = handles.into_iter().collect();
    let mut answer = None;
    while let Some(joined) = running.next().await {
        if let Ok(Ok(value)) = joined {
            answer = Some(value);
            break;
        }
    }
    for abort in aborts {
        abort.abort();
    }
    answer
}
