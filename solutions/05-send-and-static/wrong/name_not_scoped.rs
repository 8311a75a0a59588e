//! Wrong: spawns `f` itself instead of `TASK_NAME.scope(name, f)`, so code inside the task cannot see its name.
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
    // The mistake: the name is never set for the task.
    let _ = name;
    tokio::spawn(f)
}
