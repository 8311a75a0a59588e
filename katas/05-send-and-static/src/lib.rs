//! Kata 05: `Send` and `'static`.
//!
//! `tokio::spawn` only accepts futures that may move to another thread
//! (`Send`) and that borrow nothing from the code that spawned them
//! (`'static`). A function that spawns a caller's future must ask its
//! caller for exactly those guarantees, in its own signature: that is the
//! whole exercise. Too few bounds and your function does not compile; too
//! many and it rejects futures that tokio would happily run.
//!
//! Write the bounds of `spawn_named` and its body. Read README.md first: it
//! explains each bound and exactly what the tests check.

use std::future::Future;

use tokio::task::JoinHandle;

tokio::task_local! {
    /// The name of the task being run, set by `spawn_named`.
    static TASK_NAME: &'static str;
}

/// The name `spawn_named` gave the current task, or `None` when the caller
/// does not run in such a task. Given to you: do not change it.
pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

/// Spawns `f` as a new tokio task named `name`, and returns its handle.
///
/// The task runs `f` with `current_task_name()` returning `Some(name)`:
/// spawn `TASK_NAME.scope(name, f)`.
///
/// Bounds: exactly what `tokio::spawn` needs, on `F` and on its output, and
/// nothing more.
pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F: Future, // add the bounds tokio::spawn needs (on F, and on F::Output)
{
    // tokio::spawn(TASK_NAME.scope(name, f)) compiles once the bounds are right.
    drop((name, f));
    todo!("write the bounds, then spawn TASK_NAME.scope(name, f)")
}
