//! Kata 02: build a runtime by hand.
//!
//! `#[tokio::main]` and `#[tokio::test]` hide a few lines of code: they
//! build a tokio runtime and run your `async` body on it with `block_on`.
//! Here you write those lines yourself, for the runtime `#[tokio::test]`
//! uses: the current-thread one, with its timer and I/O drivers switched on.
//!
//! Fill in the `todo!()` below. Read README.md first: it explains what a
//! runtime is made of and exactly what the tests check.

use std::future::Future;

/// Runs `f` to completion on a new current-thread tokio runtime, with time
/// and I/O enabled, and returns its output.
///
/// Blocks the calling thread until `f` is done. Every task spawned by `f`
/// runs on this same thread, and `tokio::time` and `tokio::net` work inside
/// `f`.
pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // Build a current-thread runtime with tokio::runtime::Builder, switch
    // on its time and I/O drivers, and block on `f`.
    drop(f);
    todo!("build a current-thread runtime and block_on(f)")
}
