//! Wrong: builds the runtime with `start_paused(true)`, copied from the tests' `#[tokio::test(start_paused = true)]`: an ordinary runtime's clock must run, and the clock of this one is frozen before the caller can decide.
//! Caught by: timers_work_inside_the_runtime

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // The mistake: a paused clock is a testing tool, not a default.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("failed to build a current-thread tokio runtime")
        .block_on(f)
}
