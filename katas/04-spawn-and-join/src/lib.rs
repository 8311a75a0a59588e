//! Kata 04: spawn and join.
//!
//! `tokio::spawn` hands a future to the runtime as a new *task*: it starts
//! running at once, concurrently with your code, and you get a `JoinHandle`
//! to collect its result later. Awaiting the handle gives `Ok(output)`, or
//! `Err(JoinError)` if the task panicked or was cancelled. A panic in a task
//! does not crash the program: it is caught, and reported to whoever awaits
//! the handle.
//!
//! Fill in the `todo!()` below. Read README.md first: it explains the exact
//! behaviour the tests expect.

use futures::future::BoxFuture;

/// A job: some async work that produces a number. Boxed, `Send` and
/// `'static`, so it can be given to `tokio::spawn`.
pub type Job = BoxFuture<'static, u64>;

/// Why a job has no result. Given to you: do not change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    /// The job panicked; this is the panic's message.
    Panicked(String),
    /// The job's task was stopped before it finished (it was aborted, or
    /// its runtime shut down).
    Cancelled,
}

/// Runs every job as its own task, all at the same time, and returns one
/// result per job, in the order of `jobs`: `Ok(output)`, or the reason the
/// job has none.
///
/// Returns once every job has finished, so it takes as long as the slowest
/// job. A job that panics does not stop the others, and does not make
/// `run_jobs` panic.
pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    // 1. Spawn every job with tokio::spawn, keeping the JoinHandles.
    // 2. Then await each handle, in order, and turn its JoinError (if any)
    //    into a JobFailure, keeping the panic's message.
    drop(jobs);
    todo!("spawn every job, then await every handle")
}
