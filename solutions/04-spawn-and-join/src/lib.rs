//! Kata 04: spawn and join (reference solution).

use std::any::Any;

use futures::future::BoxFuture;
use tokio::task::{JoinError, JoinHandle};

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

/// The jobs' tasks. Dropping a `JoinHandle` does not stop its task (it
/// only detaches it), so if `run_jobs` is dropped before it has collected
/// every result (its caller gave up on it: a timeout, a `select!`), this
/// aborts the tasks that are still running. Aborting a finished task does
/// nothing, so dropping it after a normal return costs nothing.
struct Tasks(Vec<JoinHandle<u64>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Runs every job as its own task, all at the same time, and returns one
/// result per job, in the order of `jobs`.
pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    // Spawn everything first. A task starts running the moment it is
    // spawned, so by the end of this line every job is under way. Awaiting
    // each handle right after its spawn would instead start a job only when
    // the previous one is done: the sum of the durations, not the maximum.
    let mut tasks = Tasks(jobs.into_iter().map(tokio::spawn).collect());

    // Then collect, in job order. Waiting for the first handle does not hold
    // the others back: they are running already, and a handle whose task
    // finished early just hands over its stored result when we get to it.
    // (`&mut JoinHandle` is a future too, so the handles stay in `tasks`,
    // ready to be aborted if we are dropped half-way.)
    let mut results = Vec::with_capacity(tasks.0.len());
    for handle in &mut tasks.0 {
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
