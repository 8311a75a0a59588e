//! Wrong: also requires `Unpin`, which tokio::spawn does not need (it pins the future itself), so no `async` block can be spawned at all.
//! Caught by: spawns_a_future_that_is_not_unpin

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
    // The mistake: async blocks are never Unpin.
    F: Future + Send + Unpin + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, f))
}
