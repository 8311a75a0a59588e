//! Wrong: adds `T: Clone` so that `vec![None; jobs.len()]` compiles; the pool is right, but a job whose output cannot be cloned can no longer be run.
//! Caught by: outputs_need_only_send

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::Semaphore;

pub async fn run_limited<T: Send + Clone + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Semaphore::new(limit);
    let mut outputs = vec![None; jobs.len()];
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| {
            let semaphore = &semaphore;
            async move {
                let _permit = semaphore.acquire().await.expect("never closed");
                (index, job.await)
            }
        })
        .collect();
    while let Some((index, output)) = running.next().await {
        outputs[index] = Some(output);
    }
    outputs.into_iter().flatten().collect()
}
