//! Wrong: runs the jobs in place, all in try_all's own task (a FuturesUnordered, with catch_unwind for the panics), instead of each in its own task: nothing runs in parallel on a multi-thread runtime.
//! Caught by: values_come_back_in_input_order_whatever_the_finishing_order

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

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
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    // BUG: no task per job: every job is polled by try_all itself.
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| async move { (index, AssertUnwindSafe(job.work).catch_unwind().await) })
        .collect();
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    while let Some((index, outcome)) = running.next().await {
        match outcome {
            Ok(Ok(value)) => values[index] = Some(value),
            Ok(Err(error)) => {
                return Err(JobError::Failed {
                    job: names[index],
                    error,
                })
            }
            Err(payload) => {
                return Err(JobError::Panicked {
                    job: names[index],
                    message: panic_message(payload),
                })
            }
        }
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
