//! Wrong: asks for a `Sync` output ("the JoinHandle shares it with another thread"); the output is moved to whoever awaits the handle, never shared, so `Send` is enough and a task returning a `Cell` is rejected for nothing.
//! Caught by: spawns_a_future_with_a_bare_output

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
    // The mistake: Sync on the output.
    F::Output: Send + Sync + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, f))
}
