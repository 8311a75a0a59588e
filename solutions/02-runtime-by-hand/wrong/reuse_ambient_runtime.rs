//! Wrong: when the calling thread already knows a tokio runtime (Handle::try_current, e.g. inside spawn_blocking), runs f on that runtime with block_in_place + Handle::block_on instead of building a current-thread runtime of its own, so f's tasks run on the caller's worker threads and outlive the call.
//! Caught by: a_call_from_a_blocking_task_gets_a_runtime_of_its_own

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // Building a runtime is not free: if the caller already runs inside one,
    // borrow it instead.
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        return tokio::task::block_in_place(move || handle.block_on(f));
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build a current-thread tokio runtime")
        .block_on(f)
}
