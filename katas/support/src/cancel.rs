//! Cancelling the code under test.
//!
//! In async Rust, the caller decides when work stops: a `timeout` around a
//! call, a `select!` whose other branch wins, a request handler whose client
//! hung up. Each of them simply drops the future. Code that spawned tasks,
//! started a ticker or handed jobs to a pool must not leave them running
//! when its own future is dropped: nobody is left to receive their results.
//! [`cancel_after`] drops the kata's future mid-way, the way a caller would,
//! and [`assert_nothing_left_running`] checks what it left behind.

use std::future::Future;
use std::time::Duration;

use crate::idle::Wakeups;
use crate::tasks::assert_no_leaked_tasks;

/// Polls `fut` for `after` of virtual time, then drops it, as a caller's
/// `timeout(after, fut)` would. Returns its output if it finished first.
pub async fn cancel_after<F: Future>(after: Duration, fut: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        output = fut => Some(output),
        _ = tokio::time::sleep(after) => None,
    }
}

/// After the code under test was cancelled (or returned): no task it
/// started is still alive, and for `quiet` of virtual time nothing wakes the
/// runtime (no timer of a ticker or a retry loop left behind).
pub async fn assert_nothing_left_running(what: &str, quiet: Duration) {
    assert_no_leaked_tasks(what).await;
    Wakeups::assert_quiet_for(quiet, 0, &format!("nothing was left running after {what}")).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_dropped_future_leaves_nothing_behind() {
        let output = cancel_after(Duration::from_millis(317), async {
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        assert!(output.is_none());
        assert_nothing_left_running("dropping a sleep", Duration::from_secs(10)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_that_finishes_first_gives_its_output() {
        assert_eq!(
            cancel_after(Duration::from_secs(1), async { 7 }).await,
            Some(7)
        );
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(
        expected = "1 task(s) still running in the background after dropping the caller"
    )]
    async fn a_task_left_behind_is_reported() {
        let _ = cancel_after(Duration::from_millis(10), async {
            drop(tokio::spawn(std::future::pending::<()>()));
            std::future::pending::<()>().await;
        })
        .await;
        assert_nothing_left_running("dropping the caller", Duration::from_secs(1)).await;
    }
}
