//! Wrong: uses `futures::future::select_ok`, which returns the first success and drops the rest, but polls the jobs in the caller's task instead of running them as tasks: a job that panics takes the caller down with it, and no jobs at all is a panic ("select_ok: empty").
//! Caught by: a_panicking_job_counts_as_a_failure, no_jobs_give_none_at_once

use futures::future::{select_ok, BoxFuture};

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    match select_ok(jobs).await {
        Ok((value, _rest)) => Some(value),
        Err(_last_error) => None,
    }
}
