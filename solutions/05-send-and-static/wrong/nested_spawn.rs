//! Wrong: spawns a "supervisor" task that spawns the named future as a second task, so the returned handle is not f's task: abort() on it leaves f running detached.
//! Caught by: aborting_the_handle_stops_the_task

use std::future::Future;

use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(async move {
        // Run the work in its own task so that a panic in it is contained,
        // then pass its outcome on.
        match tokio::spawn(TASK_NAME.scope(name, f)).await {
            Ok(output) => output,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    })
}
