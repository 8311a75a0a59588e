//! Wrong: collects the values in the order the jobs finish (`join_next`), not in the order of the list.
//! Caught by: all_jobs_succeeding_return_every_value_in_input_order, values_come_back_in_input_order_whatever_the_finishing_order

use std::any::Any;
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
    let mut names = HashMap::new();
    for job in jobs {
        let id = set.spawn(job.work).id();
        names.insert(id, job.name);
    }
    // BUG: values are pushed as the jobs finish, so they come back in
    // completion order.
    let mut values = Vec::new();
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((_, Ok(value))) => values.push(value),
            Ok((id, Err(error))) => {
                return Err(JobError::Failed {
                    job: names[&id],
                    error,
                })
            }
            Err(join_error) => {
                let job = names[&join_error.id()];
                let message = if join_error.is_panic() {
                    panic_message(join_error.into_panic())
                } else {
                    None
                };
                return Err(JobError::Panicked { job, message });
            }
        }
    }
    Ok(values)
}
