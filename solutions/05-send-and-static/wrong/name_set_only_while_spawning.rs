//! Wrong: sets the task-local name around the call to tokio::spawn (`sync_scope`) instead of around the task's future, so the name is gone before the task is ever polled.
//! Caught by: the_task_knows_its_name

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
    // The mistake: the scope covers this closure, which only *spawns* the
    // task; the task itself runs later, outside it.
    TASK_NAME.sync_scope(name, || tokio::spawn(f))
}
