//! Wrong: limits correctly (spawned tasks, each holding an owned permit), but collects the outputs in the order the jobs finish instead of the order of `jobs`.
//! Caught by: results_come_back_in_input_order

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    for job in jobs {
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        set.spawn(async move {
            let output = job.await;
            drop(permit);
            output
        });
    }
    // The mistake: `join_next` yields in completion order, and that order
    // is what ends up in the Vec.
    let mut outputs = Vec::new();
    while let Some(joined) = set.join_next().await {
        outputs.push(joined.expect("a job panicked"));
    }
    outputs
}
