//! Kata 20: limit concurrency with a `Semaphore`.
//!
//! Run a list of jobs concurrently, but never more than `limit` at a time,
//! and without wasting a free slot: a job starts the moment another one
//! finishes. A `tokio::sync::Semaphore` with `limit` permits is exactly that
//! pool of slots.
//!
//! Write `run_limited`. Read README.md first: it shows why fixed batches are
//! too slow, how permits work, and the one-character mistake that turns the
//! limit off.

use futures::future::BoxFuture;

/// Runs every job, at most `limit` at a time, and returns their outputs in
/// the order of `jobs`.
///
/// - A job starts as soon as fewer than `limit` jobs are running, in the
///   order of `jobs`; `limit` is at least 1.
/// - The outputs come back in input order, not in the order jobs finish.
/// - Nothing is left running when `run_limited` returns.
pub async fn run_limited<T: Send + 'static>(
    jobs: Vec<BoxFuture<'static, T>>,
    limit: usize,
) -> Vec<T> {
    // One `tokio::sync::Semaphore::new(limit)`; every job holds a permit from
    // just before it starts until it is done; all of them wait and run at
    // the same time.
    let _ = (jobs, limit);
    todo!("run the jobs concurrently, at most `limit` at a time")
}
