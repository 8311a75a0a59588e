//! Wrong: builds the runtime with only the time driver (`enable_time`), so anything from tokio::net (here a pipe) panics: IO is disabled.
//! Caught by: io_works_inside_the_runtime

use std::future::Future;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    // The mistake: no I/O driver.
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("failed to build a current-thread tokio runtime")
        .block_on(f)
}
