//! Wrong: never enables the drivers, so the first timer (or socket, or pipe) on the runtime panics: timers are disabled.
//! Caught by: timers_are_enabled

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: no `enable_all()` (nor `enable_time()`/`enable_io()`).
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .build()
}
