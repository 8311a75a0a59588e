//! Wrong: collects the results as the jobs finish (FuturesUnordered over the handles), then sorts them to "put them back in order": sorted by value is not the order of the jobs.
//! Caught by: jobs_run_at_the_same_time

use std::any::Any;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::task::JoinError;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut running: FuturesUnordered<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut values = Vec::new();
    let mut failures = Vec::new();
    while let Some(joined) = running.next().await {
        match joined {
            Ok(value) => values.push(value),
            Err(error) => failures.push(failure(error)),
        }
    }
    // The mistake: the order the jobs were given is lost by now, and
    // sorting only looks right when the values happen to grow with it.
    values.sort_unstable();
    values
        .into_iter()
        .map(Ok)
        .chain(failures.into_iter().map(Err))
        .collect()
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
