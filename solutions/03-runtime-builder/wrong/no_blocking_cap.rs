//! Wrong: never calls `max_blocking_threads`, so the blocking pool keeps tokio's default cap of 512 threads and runs far more than `max_blocking` closures at once.
//! Caught by: the_blocking_pool_starts_exactly_max_blocking_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: max_blocking is ignored ("spawn_blocking has its own
    // pool, it sizes itself").
    let _ = max_blocking;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name(name)
        .enable_all()
        .build()
}
