//! Wrong: treats every JoinError as a panic and calls into_panic() on it, which itself panics when the task was cancelled rather than panicked.
//! Caught by: jobs_whose_runtime_shuts_down_are_cancelled

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
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.map_err(failure));
    }
    results
}

fn failure(error: JoinError) -> JobFailure {
    // The mistake: a cancelled task has no panic payload.
    JobFailure::Panicked(message(error.into_panic()))
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
