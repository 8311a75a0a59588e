//! Wrong: awaits each job's handle right after spawning it, so a job only starts once the previous one has finished: the jobs take the sum of their durations (1.1s) instead of the longest (500ms).
//! Caught by: jobs_run_at_the_same_time

use std::any::Any;

use futures::future::BoxFuture;
use tokio::task::JoinError;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut results = Vec::new();
    for job in jobs {
        // The mistake: spawn, then wait for it, before spawning the next.
        results.push(tokio::spawn(job).await.map_err(failure));
    }
    results
}

fn failure(error: JoinError) -> JobFailure {
    match error.try_into_panic() {
        Ok(payload) => JobFailure::Panicked(message(payload)),
        Err(_) => JobFailure::Cancelled,
    }
}

fn message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => text.to_string(),
            Err(_) => "a panic without a message".to_string(),
        },
    }
}
