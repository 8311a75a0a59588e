//! Wrong: unwraps each JoinHandle's result, so the first job that panics makes run_jobs itself panic and every result is lost.
//! Caught by: a_panicking_job_does_not_take_down_the_others

use futures::future::BoxFuture;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::new();
    for handle in handles {
        // The mistake: a panicked (or cancelled) job is Err(JoinError), and
        // unwrap() turns it into a panic of run_jobs.
        results.push(Ok(handle.await.unwrap()));
    }
    results
}
