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
    within_else(limit, what, fut, || {
        format!(
            "{what} never finished: still waiting after {} of virtual time.\n\
             This is almost always a deadlock or a channel that never closes: \
             a lock held by a task that is itself waiting for you, or a \
             `recv()` that never sees `None` because a `Sender` is still alive \
             somewhere.",
            fmt_duration(limit)
        )
    })
    .await
}

/// [`within`], failing with a message of the test's own (`explain`, asked
/// only if it hangs), followed like `within`'s by where it was waiting.
pub async fn within_else<F: Future>(
    limit: Duration,
    what: &str,
    fut: F,
    explain: impl FnOnce() -> String,
) -> F::Output {
    let start = crate::ledger::Mark::now();
    // Kept here, so that if it hangs it can be asked where it waits.
    let mut fut = Box::pin(crate::waiting::root(fut));
    let result = tokio::time::timeout(limit, fut.as_mut()).await;
    crate::ledger::record_span(start, crate::ledger::Mark::now());
    match result {
        Ok(output) => output,
        Err(_) => {
            crate::timeline::still_waiting(what, "waiting", start.virtual_at());
            let places = crate::waiting::report(fut.as_mut()).await;
            // Dropped before the panic, as a timeout would: a destructor
            // that panics while a panic unwinds would abort the test.
            drop(fut);
            panic!("{}\n{places}", explain())
        }
    }
}

/// For a program that runs the code under test outside the grader's test
/// processes (a trybuild `pass` case, whose `main` trybuild runs): ends the
/// process with a message if it is still running after `limit` of real
/// time. Such a program finishes in milliseconds on the paused clock; code
/// that blocks its thread (a busy loop) would otherwise keep it, and its
/// test, running until the suite's own limit of minutes.
pub fn exit_if_still_running_after(limit: Duration, what: &'static str) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!(
            "{what} was still running after {} of real time: the code under test blocks its \
             thread (a loop that never reaches an `.await`, a blocking call).",
            fmt_duration(limit)
        );
        std::process::exit(3);
    });
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
