//! Wrong: spawns every job and awaits the handles in order, but if the caller drops run_jobs half-way the JoinHandles are simply dropped, which detaches the tasks: the jobs keep running for nobody.
//! Caught by: dropping_run_jobs_aborts_every_job

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
    // The mistake: nothing aborts these tasks if this future is dropped
    // before the loop is done; dropping a JoinHandle does not stop a task.
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.map_err(failure));
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
