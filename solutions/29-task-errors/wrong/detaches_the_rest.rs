//! Wrong: returns at the first failure but just drops the other JoinHandles, which detaches their tasks instead of cancelling them: the slow jobs keep running in the background.
//! Caught by: the_other_jobs_are_cancelled_when_one_fails

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
        // Name the job, then the cause: the one line a person reading a log
        // needs. `{:?}` on the name adds the quotes.
        match self {
            JobError::Failed { job, error } => write!(f, "job {job:?} failed: {error}"),
            JobError::Panicked {
                job,
                message: Some(message),
            } => write!(f, "job {job:?} panicked: {message}"),
            JobError::Panicked { job, message: None } => write!(f, "job {job:?} panicked"),
        }
    }
}

/// A failed job's error is this error's source.
impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed { error, .. } => Some(error.as_ref()),
            JobError::Panicked { .. } => None,
        }
    }
}

/// Runs every job; returns at the first failure.
pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    use futures::stream::{FuturesUnordered, StreamExt};

    let count = jobs.len();
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| {
            let handle = tokio::spawn(job.work);
            async move { (index, job.name, handle.await) }
        })
        .collect();
    let mut values: Vec<Option<T>> = std::iter::repeat_with(|| None).take(count).collect();
    while let Some((index, job, outcome)) = running.next().await {
        match outcome {
            Ok(Ok(value)) => values[index] = Some(value),
            // BUG: returning drops `running`, and with it the JoinHandles of
            // the jobs still running. Dropping a JoinHandle does not abort
            // its task: those jobs go on, detached.
            Ok(Err(error)) => return Err(JobError::Failed { job, error }),
            Err(join_error) => {
                let message = join_error
                    .try_into_panic()
                    .ok()
                    .and_then(|p| panic_message(&*p));
                return Err(JobError::Panicked { job, message });
            }
        }
    }
    Ok(values.into_iter().map(|v| v.expect("stored")).collect())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&'static str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}
