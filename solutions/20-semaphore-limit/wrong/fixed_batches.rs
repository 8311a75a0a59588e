//! Wrong: runs the jobs in fixed batches of `limit` and waits for each whole batch before starting the next, so a slot idles while its batch's slowest job finishes, and later jobs start late.
//! Caught by: each_job_starts_as_soon_as_a_slot_is_free

use futures::future::BoxFuture;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let mut outputs = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        // The mistake: the next batch only starts once all of this one is
        // done. The limit holds, but the slots wait for the slowest job.
        let batch: Vec<_> = jobs.by_ref().take(limit).collect();
        outputs.extend(futures::future::join_all(batch).await);
    }
    outputs
}
