//! Wrong: spawns the jobs and races their JoinHandles with `futures::future::select_all`; it answers at the right moment, but the handles still in `remaining` are simply dropped on return, which detaches their tasks instead of cancelling them.
//! Caught by: the_other_jobs_are_aborted_once_one_succeeds

use futures::future::{select_all, BoxFuture};

pub async fn first_ok<T, E>(jobs: Vec<BoxFuture<'static, Result<T, E>>>) -> Option<T>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let mut handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    while !handles.is_empty() {
        let (joined, _index, remaining) = select_all(handles).await;
        if let Ok(Ok(value)) = joined {
            return Some(value);
        }
        handles = remaining;
    }
    None
}
