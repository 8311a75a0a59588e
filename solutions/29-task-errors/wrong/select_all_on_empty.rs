//! Wrong: races JoinHandles with `futures::future::select_all`, which panics on an empty list, so `try_all(vec![])` panics instead of returning `Ok([])`.
//! Caught by: no_jobs_is_ok_and_empty

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

/// Aborts its task when dropped.
struct Guard<T>(JoinHandle<T>);

impl<T> Drop for Guard<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Guard<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    let mut pending: Vec<(usize, Guard<Result<T, BoxError>>)> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| (index, Guard(tokio::spawn(job.work))))
        .collect();
    // BUG: select_all panics when the list is empty; the loop below would
    // have been skipped, but this first race is not.
    let (first, position, _) =
        futures::future::select_all(pending.iter_mut().map(|(_, guard)| guard)).await;
    let mut next = Some((first, position));
    loop {
        let Some((joined, position)) = next.take() else {
            break;
        };
        let (index, _) = pending.remove(position);
        match joined {
            Ok(Ok(value)) => values[index] = Some(value),
            Ok(Err(error)) => {
                return Err(JobError::Failed {
                    job: names[index],
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
                    job: names[index],
                    message,
                });
            }
        }
        if !pending.is_empty() {
            let (joined, position, _) =
                futures::future::select_all(pending.iter_mut().map(|(_, guard)| guard)).await;
            next = Some((joined, position));
        }
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
