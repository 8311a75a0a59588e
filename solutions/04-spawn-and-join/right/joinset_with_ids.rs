//! Right: a JoinSet (which aborts its tasks when dropped), results put back in job order through each task's id, failures sorted out with `is_cancelled()` and `downcast_ref`.

use std::collections::HashMap;

use futures::future::BoxFuture;
use tokio::task::{JoinError, JoinSet};

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

fn to_failure(error: JoinError) -> JobFailure {
    if error.is_cancelled() {
        return JobFailure::Cancelled;
    }
    let payload = error.into_panic();
    let text = if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        String::from("<non-text panic>")
    };
    JobFailure::Panicked(text)
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let count = jobs.len();
    let mut set = JoinSet::new();
    let mut position = HashMap::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let handle = set.spawn(job);
        position.insert(handle.id(), index);
    }
    let mut slots: Vec<Option<Result<u64, JobFailure>>> = vec![None; count];
    while let Some(joined) = set.join_next_with_id().await {
        let (id, result) = match joined {
            Ok((id, value)) => (id, Ok(value)),
            Err(error) => (error.id(), Err(to_failure(error))),
        };
        slots[position[&id]] = Some(result);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every task reports once"))
        .collect()
}
