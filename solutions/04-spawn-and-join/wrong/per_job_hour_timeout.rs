//! Wrong: runs every job under a hidden one-hour tokio::time::timeout and reports a job that exceeds it as Cancelled, so a job that legitimately runs for hours gets a made-up failure.
//! Caught by: a_job_may_run_for_hours

use std::time::Duration;

use futures::future::BoxFuture;
use tokio::task::JoinHandle;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

/// A job that runs longer than this is considered stuck.
const STUCK_AFTER: Duration = Duration::from_secs(60 * 60);

struct AbortOnDrop(Vec<JoinHandle<Option<u64>>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let mut tasks = AbortOnDrop(
        jobs.into_iter()
            .map(|job| tokio::spawn(async move { tokio::time::timeout(STUCK_AFTER, job).await.ok() }))
            .collect(),
    );
    let mut results = Vec::with_capacity(tasks.0.len());
    for handle in tasks.0.iter_mut() {
        let result = match handle.await {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(JobFailure::Cancelled),
            Err(error) => match error.try_into_panic() {
                Ok(payload) => {
                    let message = if let Some(text) = payload.downcast_ref::<&str>() {
                        text.to_string()
                    } else if let Some(text) = payload.downcast_ref::<String>() {
                        text.clone()
                    } else {
                        "a panic without a message".to_string()
                    };
                    Err(JobFailure::Panicked(message))
                }
                Err(_) => Err(JobFailure::Cancelled),
            },
        };
        results.push(result);
    }
    results
}
