//! Turning an async hang into a failure, in microseconds.
//!
//! Under a paused clock, a future that waits forever (a deadlock between two
//! locks, a `recv()` on a channel whose sender is still alive) leaves the
//! runtime idle, so tokio jumps the clock forward to the next timer: ours.
//! A minute of virtual time passes instantly and the test fails with an
//! explanation instead of hanging.
//!
//! This only works when the runtime's thread is free. A hang that *blocks*
//! the thread (a `std::sync::Mutex` deadlock, a busy loop) never lets the
//! timer fire; the grader's wall-clock limit catches those.

use std::future::Future;
use std::time::Duration;

use crate::clock::fmt_duration;

/// How long the hang guard waits, in virtual time, before calling it a hang.
pub const HANG_LIMIT: Duration = Duration::from_secs(60);

/// Awaits `fut`, failing the test if it takes longer than [`HANG_LIMIT`].
pub async fn no_hang<F: Future>(what: &str, fut: F) -> F::Output {
    within(HANG_LIMIT, what, fut).await
}

/// Awaits `fut`, failing the test if it takes longer than `limit` (virtual).
pub async fn within<F: Future>(limit: Duration, what: &str, fut: F) -> F::Output {
    let start = crate::ledger::Mark::now();
    let result = {
        let mut timed = std::pin::pin!(tokio::time::timeout(limit, fut));
        let result = timed.as_mut().await;
        if result.is_err() {
            // Drawn before `fut` is dropped (at the end of this block): what
            // it was running when the test gave up stays "still running"
            // on the timeline instead of looking cancelled.
            crate::timeline::still_waiting(what, "waiting", start.virtual_at());
        }
        result
    };
    crate::ledger::record_span(start, crate::ledger::Mark::now());
    match result {
        Ok(output) => output,
        Err(_) => {
            panic!(
                "{what} never finished: still waiting after {} of virtual time.\n\
             This is almost always a deadlock or a channel that never closes: \
             a lock held by a task that is itself waiting for you, or a \
             `recv()` that never sees `None` because a `Sender` is still alive \
             somewhere.",
                fmt_duration(limit)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_finished_future_passes_through() {
        assert_eq!(no_hang("ready", async { 7 }).await, 7);
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "deadlock or a channel that never closes")]
    async fn a_channel_that_never_closes_is_reported() {
        let (_tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
        no_hang("draining the channel", async move {
            while rx.recv().await.is_some() {}
        })
        .await;
    }
}
