//! Wrong: passes `max_blocking` to `worker_threads` and `workers` to `max_blocking_threads`: right methods, swapped arguments.
//! Caught by: it_runs_the_requested_number_of_worker_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: the two numbers go to each other's setting.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(max_blocking)
        .max_blocking_threads(workers)
        .thread_name(name)
        .enable_all()
        .build()
}
