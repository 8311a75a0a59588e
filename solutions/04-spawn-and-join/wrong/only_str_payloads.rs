//! Wrong: downcasts the panic payload only to &str, so a panic with a formatted message (a String payload) loses its message.
//! Caught by: a_panic_is_reported_with_its_message

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
    match error.try_into_panic() {
        Ok(payload) => JobFailure::Panicked(message(payload)),
        Err(_) => JobFailure::Cancelled,
    }
}

fn message(payload: Box<dyn Any + Send>) -> String {
    // The mistake: panic!("{x}") carries a String, not a &str.
    match payload.downcast::<&'static str>() {
        Ok(text) => text.to_string(),
        Err(_) => "a panic without a message".to_string(),
    }
}
