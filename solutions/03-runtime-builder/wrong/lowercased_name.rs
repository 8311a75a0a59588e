//! Wrong: lower-cases the name ("thread names are conventionally lower case"), so a name with upper-case letters (ASCII or not) is changed.
//! Caught by: every_thread_it_starts_carries_the_given_name

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        // Thread names are conventionally lower case.
        .thread_name(name.to_lowercase())
        .enable_all()
        .build()
}
