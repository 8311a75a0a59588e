//! Wrong: spawns each job and awaits it before spawning the next, so the jobs run one after the other: a batch takes the sum of its jobs' times, not the longest.
//! Caught by: all_jobs_succeeding_return_every_value_in_input_order

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;

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
    let mut values = Vec::with_capacity(jobs.len());
    for job in jobs {
        // BUG: awaiting the task right after spawning it runs the jobs in turn.
        match tokio::spawn(job.work).await {
            Ok(Ok(value)) => values.push(value),
            Ok(Err(error)) => {
                return Err(JobError::Failed {
                    job: job.name,
                    error,
                })
            }
            Err(join_error) => {
                let message = if join_error.is_panic() {
                    panic_message(join_error.into_panic())
                } else {
                    None
                };
                return Err(JobError::Panicked {
                    job: job.name,
                    message,
                });
            }
        }
    }
    Ok(values)
}
