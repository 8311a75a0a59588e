//! Wrong: caps the blocking pool at one thread less than asked, so `max_blocking` closures can never run at the same time.
//! Caught by: blocking_closures_never_run_more_than_max_blocking_at_once, the_blocking_pool_starts_exactly_max_blocking_threads

use tokio::runtime::Runtime;

pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // The mistake: an off-by-one "to leave room for the workers". The
    // blocking pool does not count the workers: pass the cap as it is.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(max_blocking.saturating_sub(1).max(1))
        .thread_name(name)
        .enable_all()
        .build()
}
