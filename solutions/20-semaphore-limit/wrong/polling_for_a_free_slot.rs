//! Wrong: waits for a free slot with `try_acquire` in a loop around a 1ms `sleep` instead of awaiting `acquire()`, so while every slot is busy the waiting jobs wake the runtime a thousand times a second.
//! Caught by: waiting_for_a_slot_costs_no_wakeups

use std::time::Duration;

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
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        job.await
    });
    futures::future::join_all(runs).await
}
