//! Right: spawned tasks in a JoinSet, each permit taken (owned) before its task is spawned, outputs put back at their index as they complete; dropping the set aborts whatever still runs.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    let count = jobs.len();

    for (position, job) in jobs.into_iter().enumerate() {
        // At most `limit` tasks exist at any time: wait for a permit first.
        let permit = Arc::clone(&permits)
            .acquire_owned()
            .await
            .expect("semaphore closed");
        tasks.spawn(async move {
            let value = job.await;
            drop(permit);
            (position, value)
        });
    }

    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(count).collect();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((position, value)) => slots[position] = Some(value),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("all tasks reported"))
        .collect()
}
