//! Right: all the bounds inline in the generic parameter, with the associated-type-bound syntax `Future<Output: Send + 'static>`.

use std::future::Future;

use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

pub fn spawn_named<F: Future<Output: Send + 'static> + Send + 'static>(
    name: &'static str,
    f: F,
) -> JoinHandle<F::Output> {
    tokio::task::spawn(TASK_NAME.scope(name, f))
}
