//! Wrong: the name lives in one process-wide static set before and restored after every poll, instead of the task-local TASK_NAME.scope: on a multi-thread runtime two tasks polled at the same moment see each other's name.
//! Caught by: each_task_sees_its_own_name_on_a_multi_thread_runtime

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

/// The name of the task being polled right now.
static CURRENT: Mutex<Option<&'static str>> = Mutex::new(None);

pub fn current_task_name() -> Option<&'static str> {
    let current = *CURRENT.lock().unwrap();
    current.or_else(|| TASK_NAME.try_with(|name| *name).ok())
}

struct Named<F> {
    name: &'static str,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Named<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let previous = CURRENT.lock().unwrap().replace(this.name);
        let polled = this.inner.as_mut().poll(cx);
        *CURRENT.lock().unwrap() = previous;
        polled
    }
}

pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(Named {
        name,
        inner: Box::pin(f),
    })
}
