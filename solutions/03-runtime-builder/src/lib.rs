//! Kata 03: configure a runtime (reference solution).

use tokio::runtime::Runtime;

/// Builds a multi-thread runtime with `workers` worker threads, at most
/// `max_blocking` blocking threads, every thread named `name`, and the time
/// and I/O drivers enabled.
pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // Only the multi-thread scheduler has a pool of workers to size. The
    // current-thread builder would accept `worker_threads` and ignore it:
    // its one "worker" is whichever thread calls `block_on`.
    tokio::runtime::Builder::new_multi_thread()
        // The async pool: these threads poll tasks, switching at every
        // `.await`, and steal work from each other. All of them start now.
        .worker_threads(workers)
        // The blocking pool is separate and grows on demand, one thread per
        // running `spawn_blocking` closure, up to this cap. Closures beyond
        // it wait in a queue, so this bounds how much blocking work (and how
        // many thread stacks) exist at once. It does not count the workers.
        .max_blocking_threads(max_blocking)
        // Names every thread the runtime starts, workers and blocking
        // threads alike. (`thread_name` copies the string, so a borrowed
        // `&str` is fine; `thread_name_fn` would need a `'static` closure.)
        .thread_name(name)
        // No drivers unless asked: time for `tokio::time`, I/O for
        // `tokio::net`.
        .enable_all()
        // Starting threads and the I/O driver can fail: the error goes back
        // to the caller, who decides what to do without a runtime.
        .build()
}
