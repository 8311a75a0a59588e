//! Wrong: looks for the panic message only as a `&'static str`, so the message of a panic with a formatted message (a String payload) is lost: `job "index" panicked` instead of its message.
//! Caught by: error_messages_name_the_job_and_the_cause

use std::any::Any;
use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;
use tokio::task::JoinSet;

/// Any error a job can return.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// One job: a name (for error messages) and the work itself.
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
#[derive(Debug)]
pub enum JobError {
    /// The job returned `Err(error)`.
    Failed { job: &'static str, error: BoxError },
    /// The job panicked, with this message if its payload was a string.
    Panicked {
        job: &'static str,
        message: Option<String>,
    },
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed { job, error } => write!(f, "job {job:?} failed: {error}"),
            JobError::Panicked {
                job,
                message: Some(m),
            } => write!(f, "job {job:?} panicked: {m}"),
            JobError::Panicked { job, message: None } => write!(f, "job {job:?} panicked"),
        }
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed { error, .. } => Some(error.as_ref()),
            JobError::Panicked { .. } => None,
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> Option<String> {
    // BUG: `panic!("{x}")` makes a String payload, not a &str.
    payload
        .downcast_ref::<&'static str>()
        .map(|text| text.to_string())
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let mut set = JoinSet::new();
    let mut index_of = HashMap::new();
    let mut names = Vec::new();
    for (index, job) in jobs.into_iter().enumerate() {
        names.push(job.name);
        index_of.insert(set.spawn(job.work).id(), index);
    }
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((id, Ok(value))) => values[index_of[&id]] = Some(value),
            Ok((id, Err(error))) => {
                return Err(JobError::Failed {
                    job: names[index_of[&id]],
                    error,
                });
            }
            Err(join_error) => {
                let job = names[index_of[&join_error.id()]];
                let message = if join_error.is_panic() {
                    panic_message(join_error.into_panic())
                } else {
                    None
                };
                return Err(JobError::Panicked { job, message });
            }
        }
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
