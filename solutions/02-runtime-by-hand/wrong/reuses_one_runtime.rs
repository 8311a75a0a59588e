//! Wrong: builds one runtime on the first call and keeps it in a global for every later call, so tasks a future leaves running are never dropped: they live on in the shared runtime after block_on_current returns.
//! Caught by: tasks_left_running_are_dropped_with_the_runtime

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Runtime;

/// The mistake: "build the runtime once" taken to mean a global. The
/// runtime then outlives every call, and so does everything spawned on it.
static RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("failed to build a current-thread tokio runtime")
        })
        .block_on(f)
}
