//! Wrong: never calls `thread_name`, so the runtime's threads keep tokio's default name, "tokio-rt-worker".
//! Caught by: every_thread_it_starts_carries_the_given_name

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: `name` is ignored.
    let _ = name;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .enable_all()
        .build()
}
