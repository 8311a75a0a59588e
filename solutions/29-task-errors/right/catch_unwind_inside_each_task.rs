//! Right: a JoinSet whose tasks carry their index and catch their own panic (catch_unwind inside the task), so join_next is enough; the first failure shuts the set down before returning.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::future::BoxFuture;
use futures::FutureExt;
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
            Self::Failed { job, error } => write!(f, "job \"{}\" failed: {}", job, error),
            Self::Panicked { job, message } => {
                write!(f, "job \"{}\" panicked", job)?;
                if let Some(message) = message {
                    write!(f, ": {}", message)?;
                }
                Ok(())
            }
        }
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        if let JobError::Failed { error, .. } = self {
            Some(&**error)
        } else {
            None
        }
    }
}

enum Outcome<T> {
    Value(T),
    Error(BoxError),
    Panic(Option<String>),
}

pub async fn try_all<T: Send + 'static>(jobs: Vec<Job<T>>) -> Result<Vec<T>, JobError> {
    let names: Vec<&'static str> = jobs.iter().map(|j| j.name).collect();
    let mut set = JoinSet::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let work = job.work;
        set.spawn(async move {
            let outcome = match AssertUnwindSafe(work).catch_unwind().await {
                Ok(Ok(value)) => Outcome::Value(value),
                Ok(Err(error)) => Outcome::Error(error),
                Err(payload) => Outcome::Panic(
                    payload
                        .downcast_ref::<&'static str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned()),
                ),
            };
            (i, outcome)
        });
    }
    let mut slots: Vec<Option<T>> = Vec::new();
    slots.resize_with(names.len(), || None);
    while let Some(next) = set.join_next().await {
        let (i, outcome) = next.expect("every job's panic is caught inside its task");
        let failure = match outcome {
            Outcome::Value(value) => {
                slots[i] = Some(value);
                continue;
            }
            Outcome::Error(error) => JobError::Failed {
                job: names[i],
                error,
            },
            Outcome::Panic(message) => JobError::Panicked {
                job: names[i],
                message,
            },
        };
        set.shutdown().await;
        return Err(failure);
    }
    Ok(slots.into_iter().map(|slot| slot.unwrap()).collect())
}
