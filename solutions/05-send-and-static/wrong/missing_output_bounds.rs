//! Wrong: bounds the future but not its output, which tokio::spawn also requires to be `Send + 'static`: the crate does not compile.
//! Caught by: grading

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
    // The mistake: nothing says F::Output may cross threads or outlive us.
    F: Future + Send + 'static,
{
    tokio::spawn(TASK_NAME.scope(name, f))
}
