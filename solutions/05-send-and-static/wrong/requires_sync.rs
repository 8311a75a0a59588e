//! Wrong: also requires `Sync`, which tokio::spawn does not need, so a perfectly spawnable future that holds a `Cell` across an `.await` is rejected.
//! Caught by: spawns_a_send_but_not_sync_future

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
    // The mistake: `Sync` is about sharing between threads; a task is
    // only ever polled by one thread at a time.
    F: Future + Send + Sync + 'static,
    F::Output: Send + Sync + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, f))
}
