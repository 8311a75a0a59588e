//! Wrong: looks for the panic message only as a String, so the message of a panic with a string literal (a &'static str payload) is lost: `job "parse" panicked` instead of `job "parse" panicked: unexpected end of input`.
//! Caught by: error_messages_name_the_job_and_the_cause

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

/// Runs every job at the same time, each in its own task; returns every
/// value in input order, or the first failure in time.
pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    // A JoinSet owns its tasks: when it is dropped, every task still in it
    // is aborted. That is the whole of "cancel the rest": any `return`
    // below, early or not, drops `set` and takes the other jobs with it.
    // (A Vec of JoinHandles would not: dropping a JoinHandle detaches its
    // task, which keeps running.)
    let mut set = JoinSet::new();
    // A panicking task returns no value, so its index cannot travel in its
    // output: the JoinError only knows the task's id. Remember which id
    // runs which job.
    let mut index_of = HashMap::new();
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    for (index, job) in jobs.into_iter().enumerate() {
        let task = set.spawn(job.work);
        index_of.insert(task.id(), index);
    }

    let mut values: Vec<Option<T>> = std::iter::repeat_with(|| None).take(names.len()).collect();
    // `join_next_with_id` yields each task as it finishes, in completion
    // order: the first failure in *time* is the first one we see. Awaiting
    // the tasks in list order would find a late failure of job 0 before an
    // early failure of job 5, and wait for job 0 to get there.
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((id, Ok(value))) => values[index_of[&id]] = Some(value),
            Ok((id, Err(error))) => {
                let job = names[index_of[&id]];
                return Err(JobError::Failed { job, error });
            }
            Err(join_error) => {
                let job = names[index_of[&join_error.id()]];
                if join_error.is_cancelled() {
                    // Nobody aborts these tasks while they are in the set,
                    // so this cannot happen; if it ever did, it is still
                    // not a success.
                    return Err(JobError::Panicked { job, message: None });
                }
                // The panic's payload is whatever was passed to the panic:
                // `panic!("literal")` gives a `&'static str`, `panic!("{x}")`
                // a `String`, `panic_any(v)` anything at all.
                let payload = join_error.into_panic();
                // BUG: only a String payload is recognised; `panic!("literal")`
                // gives a &'static str, whose message is lost.
                let message = payload.downcast_ref::<String>().cloned();
                return Err(JobError::Panicked { job, message });
            }
        }
    }

    // The set is empty: every job succeeded.
    Ok(values
        .into_iter()
        .map(|value| value.expect("every job's value was stored"))
        .collect())
}
