//! Did a task leak?
//!
//! `tokio::spawn` starts a task that lives until it finishes or is aborted,
//! whatever happens to its `JoinHandle`: dropping the handle only detaches
//! it. A function that spawns work and returns without awaiting or aborting
//! it leaves that work running, invisibly. The runtime counts live tasks, so
//! a test can check that nothing was left behind.

use tokio::runtime::Handle;

/// Asserts no task is alive on the current runtime, after giving aborted
/// tasks a chance to finish unwinding.
///
/// Call it at the end of a test, once every task the test itself spawned has
/// been awaited or stopped.
pub async fn assert_no_leaked_tasks(after: &str) {
    // An aborted task is only removed once the runtime polls it again; a few
    // yields let the scheduler do that without moving the clock.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    let alive = Handle::current().metrics().num_alive_tasks();
    assert!(
        alive == 0,
        "{alive} task(s) still running in the background after {after}.\n\
         Dropping a JoinHandle does not stop its task: it keeps running, \
         detached. Await every handle you spawn, or abort the ones you no \
         longer need (JoinSet and TaskTracker help keep track)."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn aborted_tasks_do_not_count() {
        let task = tokio::spawn(std::future::pending::<()>());
        task.abort();
        assert_no_leaked_tasks("aborting the task").await;
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "1 task(s) still running in the background after returning")]
    async fn a_detached_task_is_reported() {
        drop(tokio::spawn(std::future::pending::<()>()));
        assert_no_leaked_tasks("returning").await;
    }
}
