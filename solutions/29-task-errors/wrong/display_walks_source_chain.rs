//! Wrong: the `Failed` message walks the whole `source()` chain of the job's error and appends every cause (`job "fetch" failed: outer: inner`), identical for errors without a source but not "the error's own `Display` after the colon", and it duplicates the causes that chain-walking reporters print from `JobError::source`.
//! Caught by: a_failed_jobs_message_is_its_errors_own_display

use std::any::Any;
use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;
use tokio::task::{Id, JoinSet};

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

/// The message of a panic, when its payload is a string.
fn panic_message(payload: Box<dyn Any + Send>) -> Option<String> {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        Some((*message).to_string())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed { job, error } => {
                // The whole story: the error and everything that caused it.
                write!(f, "job {job:?} failed: {error}")?;
                let mut cause = error.source();
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            JobError::Panicked {
                job,
                message: Some(message),
            } => write!(f, "job {job:?} panicked: {message}"),
            JobError::Panicked { job, message: None } => write!(f, "job {job:?} panicked"),
        }
    }
}

/// Spawns every job into `set`; returns, for each task id, the job's index
/// and name.
fn spawn_all<T: Send + 'static>(
    jobs: Vec<Job<T>>,
    set: &mut JoinSet<Result<T, BoxError>>,
) -> HashMap<Id, (usize, &'static str)> {
    let mut which = HashMap::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let id = set.spawn(job.work).id();
        which.insert(id, (index, job.name));
    }
    which
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let count = jobs.len();
    let mut set = JoinSet::new();
    let which = spawn_all(jobs, &mut set);
    let mut values: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((id, Ok(value))) => values[which[&id].0] = Some(value),
            Ok((id, Err(error))) => {
                return Err(JobError::Failed {
                    job: which[&id].1,
                    error,
                })
            }
            Err(join_error) => {
                let job = which[&join_error.id()].1;
                let message = join_error.try_into_panic().ok().and_then(panic_message);
                return Err(JobError::Panicked { job, message });
            }
        }
    }
    Ok(values
        .into_iter()
        .map(|value| value.expect("every job has finished"))
        .collect())
}
