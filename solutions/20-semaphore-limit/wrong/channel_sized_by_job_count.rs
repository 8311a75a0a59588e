//! Wrong: spawns the jobs into a JoinSet behind owned permits and sends each output with its index over an `mpsc::channel(jobs.len())`; right with jobs, but with no jobs `mpsc::channel(0)` panics.
//! Caught by: no_jobs_return_at_once

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let n = jobs.len();
    let (tx, mut rx) = mpsc::channel(n);
    let semaphore = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        let tx = tx.clone();
        set.spawn(async move {
            let output = job.await;
            drop(permit);
            let _ = tx.send((index, output)).await;
        });
    }
    drop(tx);
    let mut outputs: Vec<Option<T>> = (0..n).map(|_| None).collect();
    while let Some((index, output)) = rx.recv().await {
        outputs[index] = Some(output);
    }
    outputs
        .into_iter()
        .map(|o| o.expect("every job sent"))
        .collect()
}
