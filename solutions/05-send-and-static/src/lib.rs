//! Kata 05: `Send` and `'static` (reference solution).

use std::future::Future;

use tokio::task::JoinHandle;

tokio::task_local! {
    /// The name of the task being run, set by `spawn_named`.
    static TASK_NAME: &'static str;
}

/// The name `spawn_named` gave the current task, or `None` when the caller
/// does not run in such a task.
pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

/// Spawns `f` as a new tokio task named `name`, and returns its handle.
pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    // `Send`: on a multi-thread runtime a task may be polled by one worker,
    // park at an `.await`, and be resumed by another. Everything the future
    // keeps alive across an `.await` goes along, so all of it must be
    // `Send`: an `Arc` is, an `Rc` is not (two threads could bump its
    // non-atomic count at once).
    //
    // `'static`: the task may outlive the function that spawned it (the
    // handle can be dropped, the task keeps running), so the future may not
    // borrow anything that could die first. It must own its data: `move`
    // it in, or share it through an `Arc`.
    F: Future + Send + 'static,
    // The output travels back through the `JoinHandle`, possibly to another
    // thread and at any later time: the same two bounds.
    F::Output: Send + 'static,
    // Nothing more. Not `Sync`: a task is only ever polled by one thread at
    // a time, so nothing is *shared* between threads, and a future holding
    // a `Cell` is fine. Not `Unpin`: `tokio::spawn` boxes and pins the
    // future itself, and `async` blocks are never `Unpin`.
{
    // `scope` wraps `f` in a future that sets `TASK_NAME` while `f` is
    // polled. It is `Send` and `'static` exactly when `f` is, so the bounds
    // above carry through to `tokio::spawn`.
    tokio::spawn(TASK_NAME.scope(name, f))
}
