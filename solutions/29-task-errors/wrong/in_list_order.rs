//! Wrong: spawns every job but awaits the handles in list order, stopping (and aborting the rest) at the first failure it meets: a late failure of an early job is reported, at 500ms, instead of the earlier failure of a later job at 200ms.
//! Caught by: the_earliest_failure_wins_not_the_first_in_the_list

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

/// Runs every job; awaits them one by one in list order.
pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let mut handles: Vec<_> = jobs
        .into_iter()
        .map(|job| (job.name, tokio::spawn(job.work)))
        .collect();
    let mut values = Vec::new();
    for index in 0..handles.len() {
        // BUG: job 0 is awaited first, whatever the others do meanwhile.
        let (job, handle) = &mut handles[index];
        let job = *job;
        let failure = match handle.await {
            Ok(Ok(value)) => {
                values.push(value);
                continue;
            }
            Ok(Err(error)) => JobError::Failed { job, error },
            Err(join_error) => JobError::Panicked {
                job,
                message: join_error
                    .try_into_panic()
                    .ok()
                    .and_then(|p| panic_message(&*p)),
            },
        };
        for (_, handle) in &handles {
            handle.abort();
        }
        return Err(failure);
    }
    Ok(values)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&'static str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}
