//! Wrong: awaits the jobs one after another in a `for` loop, which never runs more than one (the limit is "respected" by never using it): ordered, but as slow as the sum of the jobs.
//! Caught by: never_more_than_limit_jobs_run_at_once

use futures::future::BoxFuture;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let _ = limit;
    let mut outputs = Vec::with_capacity(jobs.len());
    for job in jobs {
        outputs.push(job.await);
    }
    outputs
}
