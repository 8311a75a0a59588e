//! Wrong: reports a panic with JoinError's Display ("task 12 panicked with message ...") instead of the panic's own message.
//! Caught by: a_panic_is_reported_with_its_message

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
        results.push(handle.await.map_err(|error| {
            if error.is_cancelled() {
                JobFailure::Cancelled
            } else {
                // The mistake: this is the error's description, with the
                // task id in it, not the message passed to panic!.
                JobFailure::Panicked(error.to_string())
            }
        }));
    }
    results
}
