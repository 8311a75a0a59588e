//! Wrong: awaits the jobs one after the other, in the order given, so a slow first job holds up the answer, and a later job that succeeded first is not the one returned.
//! Caught by: returns_at_the_first_success

use futures::future::BoxFuture;

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    // The mistake: a job is only started (polled) once the one before it
    // has finished, and "first" means first in the list, not first to finish.
    for job in jobs {
        if let Ok(value) = job.await {
            return Some(value);
        }
    }
    None
}
