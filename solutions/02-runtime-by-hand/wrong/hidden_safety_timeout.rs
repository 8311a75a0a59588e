//! Wrong: wraps f in a hidden one-hour tokio::time::timeout and panics when it fires, so a future that legitimately runs longer than an hour is cut short.
//! Caught by: a_future_may_run_for_hours

use std::future::Future;
use std::time::Duration;

/// Nothing we run should take longer than this.
const SAFETY_LIMIT: Duration = Duration::from_secs(60 * 60);

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .expect("failed to build a current-thread tokio runtime");
    runtime.block_on(async move {
        tokio::time::timeout(SAFETY_LIMIT, f)
            .await
            .expect("block_on_current: the future ran for more than an hour")
    })
}
