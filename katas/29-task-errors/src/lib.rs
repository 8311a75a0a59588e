//! Kata 29: errors and panics in tasks.
//!
//! `try_all` runs a batch of jobs at the same time and either returns every
//! job's value or, as soon as one job fails (returns an error or panics),
//! cancels the others and returns that failure. `JobError` says which job
//! failed and why, in a message a person can read.
//!
//! Fill in the two `todo!()`s below. Read README.md first: it gives the
//! exact error messages and what "cancels the others" means.

use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;

/// Any error a job can return.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// One job: a name (for error messages) and the work itself.
///
/// Given to you: do not change it.
pub struct Job<T> {
    pub name: &'static str,
    pub work: BoxFuture<'static, Result<T, BoxError>>,
}

impl<T> Job<T> {
    pub fn new(
        name: &'static str,
        work: impl Future<Output = Result<T, BoxError>> + Send + 'static,
    ) -> Job<T> {
        Job {
            name,
            work: Box::pin(work),
        }
    }
}

/// How a batch failed: the first job to fail, and how.
///
/// Given to you: do not change the variants.
#[derive(Debug)]
pub enum JobError {
    /// The job returned `Err(error)`.
    Failed { job: &'static str, error: BoxError },
    /// The job panicked. `message` is the panic's message when it had one
    /// (`panic!("...")` makes a `&'static str` or a `String`), `None` when
    /// the payload was something else.
    Panicked {
        job: &'static str,
        message: Option<String>,
    },
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The exact formats are in README.md, for example
        // `job "fetch" failed: connection refused`.
        let _ = f;
        todo!("write the message for each variant")
    }
}

/// Given: a failed job's error is this error's source, so error reporters
/// that walk the chain (`anyhow`, `eyre`) show it.
impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed { error, .. } => Some(error.as_ref()),
            JobError::Panicked { .. } => None,
        }
    }
}

/// Runs every job at the same time, each in its own task.
///
/// - If every job succeeds: `Ok` with their values, in the order of `jobs`,
///   as soon as the last one is done.
/// - As soon as one job fails (an `Err`, or a panic): return that failure
///   at once, as a `JobError` naming the job, and cancel every other job.
///   "First" means first in time, not first in the list.
/// - If the caller drops this future before it is done, every job still
///   running is cancelled too.
pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    // Spawn the jobs into a tokio::task::JoinSet, remember which task runs
    // which job, and take the results as they come (join_next_with_id).
    let _ = &jobs;
    todo!("run every job in its own task; stop everything at the first failure")
}
