//! Wrong: blocks on the future through the runtime's Handle (`runtime.handle().block_on(f)`), which polls the future but never drives a current-thread runtime: timers never fire and spawned tasks never run.
//! Caught by: timers_work_inside_the_runtime, a_spawned_task_runs_on_the_callers_thread

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build a current-thread tokio runtime");
    // The mistake: Handle::block_on enters the runtime's context, but only
    // Runtime::block_on runs its scheduler and drivers on this thread.
    let handle = runtime.handle().clone();
    handle.block_on(f)
}
