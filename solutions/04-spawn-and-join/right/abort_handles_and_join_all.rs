//! Right: the JoinHandles awaited together with `join_all`, and a guard of AbortHandles that aborts them all if run_jobs is dropped first.

use std::any::Any;

use futures::future::{join_all, BoxFuture};
use tokio::task::AbortHandle;

pub type Job = BoxFuture<'static, u64>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    Panicked(String),
    Cancelled,
}

struct AbortAll(Vec<AbortHandle>);

impl Drop for AbortAll {
    fn drop(&mut self) {
        self.0.iter().for_each(AbortHandle::abort);
    }
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    match (
        payload.downcast_ref::<String>(),
        payload.downcast_ref::<&str>(),
    ) {
        (Some(text), _) => text.clone(),
        (None, Some(text)) => (*text).to_owned(),
        (None, None) => "panicked".to_owned(),
    }
}

pub async fn run_jobs(jobs: Vec<Job>) -> Vec<Result<u64, JobFailure>> {
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let _guard = AbortAll(handles.iter().map(|h| h.abort_handle()).collect());
    join_all(handles)
        .await
        .into_iter()
        .map(|joined| {
            joined.map_err(|error| match error.try_into_panic() {
                Ok(payload) => JobFailure::Panicked(panic_text(&*payload)),
                Err(_) => JobFailure::Cancelled,
            })
        })
        .collect()
}
