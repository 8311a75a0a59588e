//! Wrong: builds the runtime with only the I/O driver (`enable_io`), so the first `tokio::time::sleep` panics: timers are disabled.
//! Caught by: timers_work_inside_the_runtime, a_future_that_borrows_locals_and_holds_an_rc_runs

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // The mistake: no time driver.
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("failed to build a current-thread tokio runtime")
        .block_on(f)
}
