//! Wrong: waits for a free slot with `try_acquire` in a loop around `yield_now()`, which never waits for anything: while every slot is busy the waiting jobs keep the thread busy, and on the paused clock time cannot even move on.
//! Caught by: waiting_for_a_slot_costs_no_wakeups

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    let semaphore = Semaphore::new(limit);
    let semaphore = &semaphore;
    let runs = jobs.into_iter().map(|job| async move {
        let _permit = loop {
            if let Ok(permit) = semaphore.try_acquire() {
                break permit;
            }
            tokio::task::yield_now().await;
        };
        job.await
    });
    futures::future::join_all(runs).await
}
