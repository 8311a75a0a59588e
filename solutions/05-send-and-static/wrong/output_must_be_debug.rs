//! Wrong: logs each task's output with `{:?}` when it finishes, which adds a `Debug` bound on the output that tokio::spawn does not need: a task returning a plain struct can no longer be spawned.
//! Caught by: spawns_a_future_with_a_bare_output

use std::fmt::Debug;
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
    // The mistake: a bound for the logging below, which the caller's
    // output may well not have.
    F::Output: Debug + Send + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, async move {
        let output = f.await;
        eprintln!("task {name} finished with {output:?}");
        output
    }))
}
