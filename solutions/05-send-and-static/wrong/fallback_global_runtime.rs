//! Wrong: outside a tokio runtime it spawns onto a hidden, never-shut-down global multi-thread runtime instead of panicking like tokio::spawn, so its tasks belong to no runtime the caller controls.
//! Caught by: outside_a_runtime_it_panics_like_tokio_spawn

use std::future::Future;
use std::sync::LazyLock;

use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::JoinHandle;

tokio::task_local! {
    static TASK_NAME: &'static str;
}

/// Used when spawn_named is called from plain synchronous code.
static FALLBACK: LazyLock<Runtime> = LazyLock::new(|| {
    Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("failed to build the fallback runtime")
});

pub fn current_task_name() -> Option<&'static str> {
    TASK_NAME.try_with(|name| *name).ok()
}

pub fn spawn_named<F>(name: &'static str, f: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let named = TASK_NAME.scope(name, f);
    match Handle::try_current() {
        Ok(handle) => handle.spawn(named),
        // No runtime here: don't panic, run it somewhere.
        Err(_) => FALLBACK.spawn(named),
    }
}
