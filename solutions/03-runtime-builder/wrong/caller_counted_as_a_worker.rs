//! Wrong: starts one worker thread less than asked, counting the thread that calls block_on as a worker: on a multi-thread runtime that thread only waits for its future.
//! Caught by: it_runs_the_requested_number_of_worker_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: "block_on's thread will be a worker too".
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.saturating_sub(1).max(1))
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_all()
        .build()
}
