//! Kata 04: spawn and join (reference solution).

use std::any::Any;

use futures::future::BoxFuture;
use tokio::task::JoinError;

/// A job: some async work that produces a number.
pub type Job = BoxFuture<'static, u64>;

/// Why a job has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    /// The job panicked; this is the panic's message.
    Panicked(String),
    /// The job's task was stopped before it finished.
    Cancelled,
}

/// Runs every job as its own task, all at the same time, and returns one
/// result per job, in the order of `jobs`.
pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    // Spawn everything first. A task starts running the moment it is
    // spawned, so by the end of this line every job is under way. Awaiting
    // each handle right after its spawn would instead start a job only when
    // the previous one is done: the sum of the durations, not the maximum.
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();

    // Then collect, in job order. Waiting for the first handle does not hold
    // the others back: they are running already, and a handle whose task
    // finished early just hands over its stored result when we get to it.
    // We await every handle before returning, so no task outlives the call.
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        // A panic inside a job does not unwind into this function: the task
        // catches it and the handle returns `Err(JoinError)`. Unwrapping it
        // here would re-panic and lose every later job's result.
        results.push(handle.await.map_err(failure));
    }
    results
}

/// What a `JoinError` means for a job.
fn failure(error: JoinError) -> JobFailure {
    // A task is cancelled when it is aborted, or dropped because its runtime
    // shut down. Only a panicked task has a payload: `into_panic` on a
    // cancelled one would itself panic, so ask first.
    match error.try_into_panic() {
        Ok(payload) => JobFailure::Panicked(message(payload)),
        Err(_cancelled) => JobFailure::Cancelled,
    }
}

/// The text of a panic payload. `panic!("literal")` carries a `&'static
/// str`, `panic!("{x}")` a `String`; anything else came from `panic_any`.
/// (`JoinError`'s `Display` is no substitute: it prefixes the task's id.)
fn message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => text.to_string(),
            Err(_) => "a panic without a message".to_string(),
        },
    }
}
