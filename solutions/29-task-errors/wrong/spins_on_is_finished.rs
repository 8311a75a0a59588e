//! Wrong: keeps checking which tasks have finished (`is_finished` in a loop around `yield_now`) instead of awaiting them: it never waits, so the runtime is never idle and, on the paused clock, the jobs' timers never even fire.
//! Caught by: all_jobs_succeeding_return_every_value_in_input_order, the_first_failure_in_time_wins_and_the_rest_are_dropped

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
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    let mut handles: Vec<Option<JoinHandle<Result<T, BoxError>>>> = jobs
        .into_iter()
        .map(|job| Some(tokio::spawn(job.work)))
        .collect();
    let mut values: Vec<Option<T>> = names.iter().map(|_| None).collect();
    let abort_all = |handles: &Vec<Option<JoinHandle<Result<T, BoxError>>>>| {
        for handle in handles.iter().flatten() {
            handle.abort();
        }
    };
    while handles.iter().any(Option::is_some) {
        for index in 0..handles.len() {
            if !handles[index].as_ref().is_some_and(|h| h.is_finished()) {
                continue;
            }
            let handle = handles[index].take().unwrap();
            match handle.await {
                Ok(Ok(value)) => values[index] = Some(value),
                Ok(Err(error)) => {
                    abort_all(&handles);
                    return Err(JobError::Failed {
                        job: names[index],
                        error,
                    });
                }
                Err(join_error) => {
                    abort_all(&handles);
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
        if handles.iter().any(Option::is_some) {
            // BUG: spinning instead of awaiting the tasks.
            tokio::task::yield_now().await;
        }
    }
    Ok(values.into_iter().map(Option::unwrap).collect())
}
