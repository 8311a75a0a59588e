//! Kata 18: take the first success with a `JoinSet` (reference solution).
//!
//! A `JoinSet` is a set of tasks that belong to it: `join_next()` hands back
//! their results in the order they finish, and dropping the set aborts
//! every task still in it. So "the first success, then cancel the rest" is
//! a loop over `join_next()` that returns early.

use futures::future::BoxFuture;
use tokio::task::JoinSet;

/// Runs every job at the same time and returns the value of the first one
/// to succeed, as soon as it does.
pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    // `JoinSet::spawn` needs a `Send + 'static` future with a
    // `Send + 'static` output: a task may move between threads, and may
    // outlive this function until it is aborted. The jobs, being
    // `BoxFuture<'static, ..>`, are `Send + 'static`; their output
    // `Result<T, E>` is only if `T` and `E` are.
    T: Send + 'static,
    E: Send + 'static,
{
    // Every job becomes a task at once, so they all run at the same time.
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }

    // `join_next()` waits for whichever task finishes next, not for the
    // tasks in the order they were spawned: a slow first job does not hold
    // up a fast third one. It returns `None` once the set is empty.
    while let Some(joined) = set.join_next().await {
        match joined {
            // The first success is the answer. Returning drops `set`, and
            // dropping a JoinSet aborts every task still in it: the slower
            // jobs are cancelled (their futures are dropped the next time
            // the runtime looks at them), with no handle to forget.
            // (`set.shutdown().await` would also wait until they are gone.)
            Ok(Ok(value)) => return Some(value),
            // The job ran and failed: one fewer to wait for.
            Ok(Err(_)) => {}
            // The task panicked. The panic was caught at the task boundary
            // and handed to us as a JoinError; `unwrap()` would re-raise it
            // here and take down the caller. It is just a failed job.
            Err(_join_error) => {}
        }
    }

    // Every job failed (or there were none).
    None
}
