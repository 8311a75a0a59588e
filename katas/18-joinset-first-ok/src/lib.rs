//! Kata 18: take the first success with a `JoinSet`.
//!
//! Ask several places the same question at once, keep the first good
//! answer, skip the failures, and cancel everything still running once you
//! have it. A `tokio::task::JoinSet` runs the jobs as tasks, hands their
//! results back in the order they finish, and aborts whatever is left when
//! it is dropped.
//!
//! Write `first_ok`. Read README.md first: it explains `JoinSet`, how to read
//! a `join_next()` result, and exactly what the tests expect.

use futures::future::BoxFuture;

/// Runs every job at the same time and returns the value of the first one
/// to succeed, as soon as it does.
///
/// - A job that returns `Err`, or panics, is skipped.
/// - `None` if no job succeeds (returned once the last one has failed).
/// - Every job still running when `first_ok` returns is cancelled.
pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    // Spawn every job into a `tokio::task::JoinSet`, then take the results
    // with `join_next().await` in the order the jobs finish.
    let _ = jobs;
    todo!("spawn the jobs into a JoinSet and return the first Ok")
}
