//! Right: the bounds in another order, and the task spawned through `Handle::current()`, the runtime the caller runs on.

use std::future::Future;

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F::Output: 'static + Send,
    F: 'static + Send + Future,
{
    let named = TASK_NAME.scope(name, f);
    Handle::current().spawn(named)
}
