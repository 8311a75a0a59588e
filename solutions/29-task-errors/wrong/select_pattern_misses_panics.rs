//! Wrong: takes values from a channel and panics from `Some(Err(e)) = set.join_next_with_id()` in a select! loop; a task that ended normally does not match that pattern, which switches the branch off until the next value arrives, so a panic is only noticed when some other job reports (late).
//! Caught by: the_first_failure_in_time_wins_and_the_rest_are_dropped

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::{Id, JoinError, JoinSet};

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
            JobError::Panicked { job, message: None } => write!(f, "job {job:?} panicked"),
            JobError::Panicked {
                job,
                message: Some(why),
            } => write!(f, "job {job:?} panicked: {why}"),
        }
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            JobError::Failed { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }
}

fn panicked(job: &'static str, join_error: JoinError) -> JobError {
    let message = match join_error.try_into_panic() {
        Ok(payload) => match payload.downcast::<String>() {
            Ok(text) => Some(*text),
            Err(payload) => payload
                .downcast::<&'static str>()
                .ok()
                .map(|text| text.to_string()),
        },
        Err(_) => None,
    };
    JobError::Panicked { job, message }
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let total = jobs.len();
    let (report, mut reports) = mpsc::unbounded_channel::<(usize, Result<T, BoxError>)>();
    let mut tasks = JoinSet::new();
    let mut job_of: HashMap<Id, usize> = HashMap::new();
    let mut names = Vec::new();
    for (index, Job { name, work }) in jobs.into_iter().enumerate() {
        names.push(name);
        let report = report.clone();
        let handle = tasks.spawn(async move {
            let _ = report.send((index, work.await));
        });
        job_of.insert(handle.id(), index);
    }
    drop(report);
    let mut values: Vec<Option<T>> = (0..total).map(|_| None).collect();
    let mut done = 0;
    while done < total {
        tokio::select! {
            Some((index, result)) = reports.recv() => match result {
                Ok(value) => {
                    values[index] = Some(value);
                    done += 1;
                }
                Err(error) => return Err(JobError::Failed { job: names[index], error }),
            },
            // BUG: a task that ended normally does not match this pattern,
            // and a branch whose pattern fails is off for the rest of this
            // select!: the next panic waits for the next report.
            Some(Err(join_error)) = tasks.join_next_with_id() => {
                let index = job_of[&join_error.id()];
                return Err(panicked(names[index], join_error));
            }
        }
    }
    Ok(values.into_iter().map(|v| v.expect("reported")).collect())
}
