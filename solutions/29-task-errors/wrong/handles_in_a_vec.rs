//! Wrong: keeps plain JoinHandles in a Vec and races them with `select_all`, aborting the rest on a failure; but when the caller drops try_all (a timeout around it), the handles are dropped, which only detaches the tasks: every job keeps running.
//! Caught by: dropping_try_all_cancels_every_job

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;
use tokio::task::JoinHandle;

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
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    // BUG: a JoinHandle dropped with try_all detaches its task.
    let mut pending: Vec<(usize, JoinHandle<Result<T, BoxError>>)> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| (index, tokio::spawn(job.work)))
        .collect();
    while !pending.is_empty() {
        let (joined, position, _) =
            futures::future::select_all(pending.iter_mut().map(|(_, handle)| handle)).await;
        let (index, _) = pending.remove(position);
        let failure = match joined {
            Ok(Ok(value)) => {
                values[index] = Some(value);
                continue;
            }
            Ok(Err(error)) => JobError::Failed {
                job: names[index],
                error,
            },
            Err(join_error) => JobError::Panicked {
                job: names[index],
                message: if join_error.is_panic() {
                    panic_message(join_error.into_panic())
                } else {
                    None
                },
            },
        };
        for (_, handle) in &pending {
            handle.abort();
        }
        return Err(failure);
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
