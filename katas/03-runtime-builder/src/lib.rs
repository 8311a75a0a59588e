//! Kata 03: configure a runtime.
//!
//! `#[tokio::main]` gives you a multi-thread runtime with one worker per
//! CPU core, a blocking pool of up to 512 threads, and threads all called
//! `tokio-rt-worker`. A server usually wants to choose: how many
//! workers, how many threads may block at once, and names that show up in
//! `top -H`, a debugger or a panic message.
//!
//! Fill in the `todo!()` below. Read README.md first: it explains the two
//! pools of a runtime and exactly what the tests check.

use tokio::runtime::Runtime;

/// Builds a multi-thread runtime with:
///
/// - exactly `workers` worker threads (the threads that poll async tasks);
/// - at most `max_blocking` threads running `spawn_blocking` closures at the
///   same time;
/// - every thread it starts named `name`;
/// - the time and I/O drivers enabled.
///
/// Returns the builder's error if the runtime cannot be built.
pub fn build(workers: usize, max_blocking: usize, name: &str) -> std::io::Result<Runtime> {
    // Configure a tokio::runtime::Builder with one method per argument,
    // switch on its drivers, and build it.
    let _ = (workers, max_blocking, name);
    todo!("configure a multi-thread runtime with tokio::runtime::Builder")
}
