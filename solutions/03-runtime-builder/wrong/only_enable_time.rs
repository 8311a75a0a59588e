//! Wrong: enables the time driver but not the I/O driver, so anything from tokio::net (here a pipe) panics: IO is disabled.
//! Caught by: io_is_enabled

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: `enable_time()` alone; `enable_all()` also enables I/O.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_time()
        .build()
}
