//! Wrong: after f returns it keeps the runtime going for another 50ms ("give the tasks f left behind a chance to finish cleanly"), so tasks that should die with the call get extra time to run.
//! Caught by: tasks_left_running_get_no_more_time_after_f_returns

use std::future::Future;
use std::time::Duration;

pub fn block_on_current<F: Future>(f: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    let output = runtime.block_on(f);
    // Give the tasks f left behind a chance to finish cleanly.
    runtime.block_on(async { tokio::time::sleep(Duration::from_millis(50)).await });
    output
}
