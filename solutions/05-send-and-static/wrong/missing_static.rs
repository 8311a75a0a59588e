//! Wrong: requires `Send` but not `'static` of the future, so it could borrow from its caller and outlive it: tokio::spawn refuses it and the crate does not compile.
//! Caught by: compile_checks

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
    // The mistake: no `'static` on F.
    F: Future + Send,
    F::Output: Send + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, f))
}
