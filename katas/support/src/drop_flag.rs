//! Was that future dropped?
//!
//! Cancellation in async Rust *is* dropping: a future that is dropped stops
//! at its current `.await` and never runs again. A timeout that returns early
//! but leaves the slow future running somewhere has not cancelled anything.
//! A [`DropProbe`] moved into a future sets its [`DropFlag`] when that future
//! is dropped, so a test can check that cancellation really happened.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The test's side: reads whether the probe has been dropped.
#[derive(Debug, Clone)]
pub struct DropFlag {
    dropped: Arc<AtomicBool>,
}

/// The side that goes into the future under test. Sets the flag on drop.
#[derive(Debug)]
pub struct DropProbe {
    dropped: Arc<AtomicBool>,
}

impl DropFlag {
    /// A fresh flag and the probe that sets it.
    pub fn new() -> (DropFlag, DropProbe) {
        let dropped = Arc::new(AtomicBool::new(false));
        (
            DropFlag {
                dropped: dropped.clone(),
            },
            DropProbe { dropped },
        )
    }

    pub fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::SeqCst)
    }

    /// Asserts the future carrying the probe has been dropped (cancelled).
    #[track_caller]
    pub fn assert_dropped(&self, what: &str) {
        assert!(
            self.is_dropped(),
            "{what} was not dropped. A future that is no longer wanted must be \
             dropped: that is how async Rust cancels work. If you spawned it, \
             dropping the JoinHandle does not stop the task; abort it instead."
        );
    }

    /// Asserts the future carrying the probe is still alive.
    #[track_caller]
    pub fn assert_not_dropped(&self, what: &str) {
        assert!(
            !self.is_dropped(),
            "{what} was dropped (cancelled) although it should still be running."
        );
    }
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

/// Wraps `fut` so that dropping it (finished or not) sets the returned flag.
pub fn track_drop<F: Future>(fut: F) -> (DropFlag, impl Future<Output = F::Output>) {
    let (flag, probe) = DropFlag::new();
    let tracked = async move {
        let _probe = probe;
        fut.await
    };
    (flag, tracked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn dropping_an_unfinished_future_sets_the_flag() {
        let (flag, fut) = track_drop(std::future::pending::<()>());
        let result = tokio::time::timeout(std::time::Duration::from_secs(1), fut).await;
        assert!(result.is_err());
        flag.assert_dropped("the pending future");
    }

    #[test]
    #[should_panic(expected = "was not dropped")]
    fn a_live_probe_fails_assert_dropped() {
        let (flag, _probe) = DropFlag::new();
        flag.assert_dropped("the slow future");
    }
}
