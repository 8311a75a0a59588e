//! Wrong: adds the workers to the blocking cap ("the pool must hold the workers too"), so up to `max_blocking + workers` closures run at once.
//! Caught by: the_blocking_pool_starts_exactly_max_blocking_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: tokio already keeps the workers out of this count.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking + workers)
        .thread_name(name)
        .enable_all()
        .build()
}
