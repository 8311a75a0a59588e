//! Wrong: spawns every job, then checks `is_finished()` on a 1ms timer until all are done, instead of awaiting the handles: the results are right, but the runtime is woken a thousand times a second while nothing happens.
//! Caught by: run_jobs_waits_without_polling

use std::any::Any;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::task::{JoinError, JoinHandle};

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

struct Tasks(Vec<JoinHandle<u64>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut tasks = Tasks(jobs.into_iter().map(tokio::spawn).collect());
    // The mistake: polling for completion, as one would with threads.
    while !tasks.0.iter().all(|task| task.is_finished()) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut results = Vec::with_capacity(tasks.0.len());
    for handle in &mut tasks.0 {
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
