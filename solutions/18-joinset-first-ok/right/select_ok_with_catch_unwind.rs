//! Right: `futures::future::select_ok` over the jobs, each wrapped in `catch_unwind` so that a panic is a failure, with no jobs handled before calling it (select_ok panics on an empty list).

use futures::future::{select_ok, BoxFuture, FutureExt};
use std::panic::AssertUnwindSafe;
pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    if jobs.is_empty() {
        return None;
    }
    let guarded = jobs.into_iter().map(|j| {
        Box::pin(AssertUnwindSafe(j).catch_unwind().map(|r| match r {
            Ok(Ok(v)) => Ok(v),
            _ => Err(()),
        }))
    });
    select_ok(guarded).await.ok().map(|(v, _)| v)
}
