//! Wrong: never calls `worker_threads`, so the runtime starts one worker per CPU core, whatever `workers` says.
//! Caught by: it_runs_the_requested_number_of_worker_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: `workers` is ignored; the default happens to be right
    // only on a machine with exactly that many cores.
    let _ = workers;
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(max_blocking)
        .thread_name(name)
        .enable_all()
        .build()
}
