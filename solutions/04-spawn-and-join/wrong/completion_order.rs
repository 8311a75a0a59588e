//! Wrong: spawns the jobs into a JoinSet and collects `join_next()` as it comes, so the results are in the order the jobs finished, not the order they were given.
//! Caught by: jobs_run_at_the_same_time, results_come_back_in_job_order

use std::any::Any;

use futures::future::BoxFuture;
use tokio::task::{JoinError, JoinSet};

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    // The mistake: join_next yields whichever task finishes first.
    let mut results = Vec::new();
    while let Some(joined) = set.join_next().await {
        results.push(joined.map_err(failure));
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
