//! Right: the future taken as `impl Future<Output = T> + Send + 'static` with a separate output type `T`, scoped inside an `async move` block.

use std::future::Future;

use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

pub fn spawn_named<T>(
    name: &'static str,
    f: impl Future<Output = T> + Send + 'static,
) -> JoinHandle<T>
where
    T: Send + 'static,
{
    tokio::spawn(async move { TASK_NAME.scope(name, f).await })
}
