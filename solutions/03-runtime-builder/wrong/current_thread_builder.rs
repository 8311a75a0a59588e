//! Wrong: uses the current-thread builder, which ignores `worker_threads` and has a single "worker", the thread that calls block_on.
//! Caught by: it_runs_the_requested_number_of_worker_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: `new_current_thread` runs every task on the caller's
    // thread; `worker_threads` is accepted and has no effect.
    tokio::runtime::Builder::new_current_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_all()
        .build()
}
