//! Wrong: polls the jobs in place in a FuturesUnordered (catching their panics) instead of running them as tasks, and loosens the signature to `BoxFuture<'a, ..>` since nothing needs `'static` any more: every runtime check passes, but a job that borrows the caller's locals is now accepted, which a JoinSet's tasks never could.
//! Caught by: jobs_that_borrow_locals_or_are_not_send_are_refused

use std::panic::AssertUnwindSafe;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

pub async fn first_ok<'a, T, E>(jobs: Vec<BoxFuture<'a, Result<T, E>>>) -> Option<T>
where
    T: Send + 'a,
    E: Send + 'a,
{
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|job| AssertUnwindSafe(job).catch_unwind())
        .collect();
    while let Some(finished) = running.next().await {
        if let Ok(Ok(value)) = finished {
            return Some(value);
        }
    }
    None
}
