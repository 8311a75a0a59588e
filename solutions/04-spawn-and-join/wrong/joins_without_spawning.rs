//! Wrong: runs the jobs concurrently with join_all in run_jobs' own task instead of spawning them, so a job's panic is not caught by a task: it unwinds through run_jobs and every result is lost.
//! Caught by: a_panicking_job_does_not_take_down_the_others

use futures::future::BoxFuture;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    // The mistake: concurrent, but no task boundary. Only a spawned task
    // turns a panic into a JoinError.
    futures::future::join_all(jobs)
        .await
        .into_iter()
        .map(Ok)
        .collect()
}
