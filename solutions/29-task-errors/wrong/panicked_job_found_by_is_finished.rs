//! Wrong: gets the index of a job that returned from the task's output, but names a job that panicked by looking for the first finished task in the list, which is often another job that had already succeeded.
//! Caught by: the_first_failure_in_time_wins_and_the_rest_are_dropped

use std::any::Any;
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
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        Some(text.to_string())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let mut set = JoinSet::new();
    let mut names = Vec::new();
    let mut aborts = Vec::new();
    for (index, job) in jobs.into_iter().enumerate() {
        names.push(job.name);
        let work = job.work;
        aborts.push(set.spawn(async move { (index, work.await) }));
    }
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, Ok(value))) => values[index] = Some(value),
            Ok((index, Err(error))) => {
                return Err(JobError::Failed {
                    job: names[index],
                    error,
                })
            }
            Err(join_error) => {
                // BUG: the first finished task is not necessarily the one
                // that panicked.
                let index = aborts.iter().position(|a| a.is_finished()).unwrap_or(0);
                let message = if join_error.is_panic() {
                    panic_message(join_error.into_panic())
                } else {
                    None
                };
                return Err(JobError::Panicked {
                    job: names[index],
                    message,
                });
            }
        }
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
