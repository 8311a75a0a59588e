//! Wrong: spawns every job into a JoinSet at once, each task waiting for its permit inside ("the semaphore is fair, so they start in spawn order"). The semaphore serves its waiters in the order they ask, and the tasks ask in the order the runtime polls them: on the current-thread runtime that is spawn order, but on a multi-thread runtime a task spawned from a worker goes to the front of the queue, so the last job takes the first slot.
//! Caught by: jobs_take_the_slots_in_input_order_on_a_multi_thread_runtime

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Arc::new(Semaphore::new(limit));
    // A JoinSet, so that dropping run_limited aborts every task; each task
    // waits for a permit before it starts its job.
    let mut set = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let semaphore = semaphore.clone();
        set.spawn(async move {
            let _permit = semaphore.acquire_owned().await.expect("never closed");
            (index, job.await)
        });
    }
    let mut outputs: Vec<(usize, T)> = Vec::with_capacity(set.len());
    while let Some(joined) = set.join_next().await {
        outputs.push(joined.expect("a job panicked"));
    }
    outputs.sort_by_key(|(index, _)| *index);
    outputs.into_iter().map(|(_, output)| output).collect()
}
