//! Kata 20: limit concurrency with a `Semaphore` (reference solution).
//!
//! A semaphore is a pool of `limit` permits. Every job takes a permit before
//! it starts and gives it back when it ends, so at most `limit` jobs are
//! ever between the two, and a waiting job starts the very moment a permit
//! comes back. No batches, no idle slots.

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

/// Runs every job, at most `limit` at a time, and returns their outputs in
/// the order of `jobs`.
pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    // No tasks are spawned, so the semaphore can live on this function's
    // stack and be borrowed by every job's wrapper. (With `tokio::spawn`, a
    // permit would have to move into the task: `Arc<Semaphore>` and
    // `acquire_owned()`, acquired before spawning.)
    let semaphore = Semaphore::new(limit);
    let semaphore = &semaphore;

    let runs = jobs.into_iter().map(|job| async move {
        // Waits, without blocking the thread, until a permit is free. The
        // semaphore is fair: waiters get permits in the order they asked,
        // and `join_all` polls the wrappers in input order, so jobs start in
        // input order. The job itself is not polled (not started) before
        // this line.
        //
        // `_permit` is a named binding, so the guard lives to the end of
        // the block. `let _ = ..` would drop it immediately, giving the
        // permit straight back and limiting nothing.
        let _permit = semaphore
            .acquire()
            .await
            .expect("the semaphore is never closed");
        job.await
        // `_permit` is dropped here: the permit goes back, and the next
        // waiting job wakes up at this same instant.
    });

    // `join_all` polls every wrapper from this one task, so they all wait
    // (and, with permits, run) concurrently, and it returns the outputs in
    // input order once all are done. Nothing outlives this call.
    futures::future::join_all(runs).await
}
