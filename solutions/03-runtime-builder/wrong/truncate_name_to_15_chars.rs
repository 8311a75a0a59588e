//! Wrong: cuts the name to 15 characters (the Linux limit for the OS-level name), but Rust keeps the whole name, so any longer name comes out shortened.
//! Caught by: every_thread_it_starts_carries_the_given_name

use tokio::runtime::Runtime;

/// pthread_setname_np accepts at most 15 bytes plus the NUL.
const MAX_THREAD_NAME: usize = 15;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    let name: String = name.chars().take(MAX_THREAD_NAME).collect();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_all()
        .build()
}
