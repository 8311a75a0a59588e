//! Right: select_all over JoinHandles wrapped in an abort-on-drop guard (so dropping try_all cancels the jobs too), with the empty batch handled first and Display written with `f.write_str` pieces.

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{select_all, BoxFuture};
use tokio::task::{JoinError, JoinHandle};

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
        let (job, rest) = match self {
            JobError::Failed { job, error } => (job, format!(" failed: {error}")),
            JobError::Panicked { job, message } => match message {
                Some(message) => (job, format!(" panicked: {message}")),
                None => (job, " panicked".to_string()),
            },
        };
        f.write_str("job \"")?;
        f.write_str(job)?;
        f.write_str("\"")?;
        f.write_str(&rest)
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

/// A JoinHandle that aborts its task when it is dropped.
struct Owned<T>(JoinHandle<T>);

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Owned<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

fn message_of(payload: &(dyn Any + Send)) -> Option<String> {
    match payload.downcast_ref::<&str>() {
        Some(text) => Some((*text).to_owned()),
        None => payload.downcast_ref::<String>().map(String::clone),
    }
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    if jobs.is_empty() {
        return Ok(vec![]);
    }
    let count = jobs.len();
    let mut running = Vec::with_capacity(count);
    let mut names = Vec::with_capacity(count);
    for (slot, job) in jobs.into_iter().enumerate() {
        names.push(job.name);
        running.push((slot, Owned(tokio::spawn(job.work))));
    }
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while !running.is_empty() {
        let (outcome, at, _) = select_all(running.iter_mut().map(|(_, task)| task)).await;
        let (slot, _finished) = running.swap_remove(at);
        let job = names[slot];
        match outcome {
            Ok(Ok(value)) => results[slot] = Some(value),
            Ok(Err(error)) => return Err(JobError::Failed { job, error }),
            Err(join_error) if join_error.is_panic() => {
                let payload = join_error.into_panic();
                return Err(JobError::Panicked {
                    job,
                    message: message_of(payload.as_ref()),
                });
            }
            Err(_cancelled) => return Err(JobError::Panicked { job, message: None }),
        }
    }
    Ok(results.into_iter().flatten().collect())
}
