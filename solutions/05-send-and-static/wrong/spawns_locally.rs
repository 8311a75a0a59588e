//! Wrong: drops the `Send` bound and spawns with `tokio::task::spawn_local`, which only needs `'static`: it compiles, but spawn_local panics on any runtime that is not running a LocalSet, which is every ordinary one.
//! Caught by: a_future_owning_an_arc_runs_in_the_background, tasks_spawned_together_run_at_the_same_time

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
    // The mistake: "future cannot be sent between threads safely" made to
    // go away by a spawn function that keeps the task on this thread.
    F: Future + 'static,
    F::Output: 'static,
{
    tokio::task::spawn_local(TASK_NAME.scope(name, f))
}
