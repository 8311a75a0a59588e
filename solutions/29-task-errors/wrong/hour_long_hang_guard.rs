//! Wrong: waits for the next job under an hour-long "hang guard" and, when nothing finished for an hour, gives up with `Panicked { job: <first unfinished>, message: "no progress for an hour" }` (a timer that never fires within the tests' minute, so it wakes nothing there); a batch of slow jobs that would all succeed fails instead.
//! Caught by: jobs_that_take_hours_are_waited_for

use std::any::Any;
use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;
use tokio::task::{Id, JoinSet};

/// Any error a job can return.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// One job: a name (for error messages) and the work itself.
///
/// Given to you: do not change it.
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
///
/// Given to you: do not change the variants.
#[derive(Debug)]
pub enum JobError {
    /// The job returned `Err(error)`.
    Failed { job: &'static str, error: BoxError },
    /// The job panicked. `message` is the panic's message when it had one
    /// (`panic!("...")` makes a `&'static str` or a `String`), `None` when
    /// the payload was something else.
    Panicked {
        job: &'static str,
        message: Option<String>,
    },
}

/// Given: a failed job's error is this error's source, so error reporters
/// that walk the chain (`anyhow`, `eyre`) show it.
impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed { error, .. } => Some(error.as_ref()),
            JobError::Panicked { .. } => None,
        }
    }
}

/// The message of a panic, when its payload is a string.
fn panic_message(payload: Box<dyn Any + Send>) -> Option<String> {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        Some((*message).to_string())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

/// Spawns every job into `set`; returns, for each task id, the job's index
/// and name.
fn spawn_all<T: Send + 'static>(
    jobs: Vec<Job<T>>,
    set: &mut JoinSet<Result<T, BoxError>>,
) -> HashMap<Id, (usize, &'static str)> {
    let mut which = HashMap::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let id = set.spawn(job.work).id();
        which.insert(id, (index, job.name));
    }
    which
}
use std::time::Duration;

/// A batch that makes no progress for this long is considered hung.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let count = jobs.len();
    let names: Vec<&'static str> = jobs.iter().map(|job| job.name).collect();
    let mut set = JoinSet::new();
    let which = spawn_all(jobs, &mut set);
    let mut values: Vec<Option<T>> = (0..count).map(|_| None).collect();
    loop {
        let joined = match tokio::time::timeout(HANG_LIMIT, set.join_next_with_id()).await {
            Ok(Some(joined)) => joined,
            Ok(None) => break,
            Err(_hung) => {
                let stuck = values.iter().position(Option::is_none).unwrap_or(0);
                return Err(JobError::Panicked {
                    job: names[stuck],
                    message: Some("no progress for an hour".to_string()),
                });
            }
        };
        match joined {
            Ok((id, Ok(value))) => values[which[&id].0] = Some(value),
            Ok((id, Err(error))) => {
                return Err(JobError::Failed {
                    job: which[&id].1,
                    error,
                })
            }
            Err(join_error) => {
                let job = which[&join_error.id()].1;
                let message = join_error.try_into_panic().ok().and_then(panic_message);
                return Err(JobError::Panicked { job, message });
            }
        }
    }
    Ok(values
        .into_iter()
        .map(|value| value.expect("every job has finished"))
        .collect())
}
