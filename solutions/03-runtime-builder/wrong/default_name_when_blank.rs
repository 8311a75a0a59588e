//! Wrong: trims the name and replaces an empty or blank name with tokio's default "tokio-rt-worker", so threads are not named exactly `name`.
//! Caught by: every_thread_it_starts_carries_the_given_name

use tokio::runtime::Runtime;

const DEFAULT_NAME: &str = "tokio-rt-worker";

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    let name = match name.trim() {
        "" => DEFAULT_NAME,
        trimmed => trimmed,
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_all()
        .build()
}
