//! Wrong: builds a multi-thread runtime, so tasks spawned inside the future run on worker threads instead of the caller's thread.
//! Caught by: a_spawned_task_runs_on_the_callers_thread

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // The mistake: `new_multi_thread` (what `Runtime::new()` and a plain
    // `#[tokio::main]` use) starts a pool of worker threads.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("failed to build a tokio runtime")
        .block_on(f)
}
