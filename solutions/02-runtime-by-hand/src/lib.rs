//! Kata 02: build a runtime by hand (reference solution).
//!
//! This is what `#[tokio::test]` expands to, give or take: a current-thread
//! runtime with every driver switched on, and `block_on` to run the test's
//! body on it.

use std::future::Future;

/// Runs `f` to completion on a new current-thread tokio runtime, with time
/// and I/O enabled, and returns its output.
pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // The current-thread scheduler starts no threads: every task spawned
    // inside `f` is polled by this thread, in the gaps while `f` waits.
    // (`new_multi_thread` would start worker threads and run spawned tasks
    // there instead.)
    //
    // A runtime has no drivers until we ask for them. `enable_all` switches
    // on the time driver (the timer wheel behind `sleep`, `timeout`,
    // `interval`) and the I/O driver (epoll/kqueue behind `tokio::net`).
    // Without them, the first `sleep` or socket panics.
    //
    // `build` returns an `io::Result` because creating the I/O driver asks
    // the OS for an event queue, which can fail (out of file descriptors).
    // There is nothing sensible to run without a runtime, so we panic with
    // a message, as `#[tokio::main]` does.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build a current-thread tokio runtime");

    // `block_on` runs `f` on this very thread and returns when it is done.
    // `f` never moves to another thread, so it needs neither `Send` nor
    // `'static` (it may borrow the caller's locals). The runtime is dropped
    // when we return, and any task still running in it is dropped too.
    runtime.block_on(f)
}
