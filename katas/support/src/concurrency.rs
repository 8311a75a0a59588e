//! How many at once?
//!
//! Limiting concurrency (a semaphore, `buffered(n)`, a pool of blocking
//! threads) is only visible from inside: a [`ConcurrencyProbe`] counts the
//! operations in flight and remembers the peak. Each operation holds an
//! [`InFlight`] guard while it runs; dropping it (finishing, or being
//! cancelled) ends the operation. Works across threads too, for
//! `spawn_blocking` work.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Default)]
pub struct ConcurrencyProbe {
    inner: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    now: AtomicUsize,
    peak: AtomicUsize,
    started: AtomicUsize,
}

/// Marks one operation in flight until dropped.
#[derive(Debug)]
pub struct InFlight {
    inner: Arc<Counts>,
}

impl ConcurrencyProbe {
    pub fn new() -> Self {
        Self::default()
    }

    /// Call at the start of an operation; keep the guard until it ends.
    pub fn enter(&self) -> InFlight {
        let now = self.inner.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.peak.fetch_max(now, Ordering::SeqCst);
        self.inner.started.fetch_add(1, Ordering::SeqCst);
        InFlight {
            inner: self.inner.clone(),
        }
    }

    /// The most operations that were ever in flight at once.
    pub fn peak(&self) -> usize {
        self.inner.peak.load(Ordering::SeqCst)
    }

    /// Operations in flight right now.
    pub fn in_flight(&self) -> usize {
        self.inner.now.load(Ordering::SeqCst)
    }

    /// Operations started so far.
    pub fn started(&self) -> usize {
        self.inner.started.load(Ordering::SeqCst)
    }

    /// Asserts the peak never went above `limit`, with a learner's message.
    #[track_caller]
    pub fn assert_peak_at_most(&self, limit: usize, what: &str) {
        let peak = self.peak();
        assert!(
            peak <= limit,
            "{what}: {peak} ran at the same time, but at most {limit} may. \
             Is the limit acquired before the work starts, and held until it ends?"
        );
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.inner.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_peak() {
        let probe = ConcurrencyProbe::new();
        let a = probe.enter();
        let b = probe.enter();
        drop(a);
        let c = probe.enter();
        assert_eq!(
            (probe.in_flight(), probe.peak(), probe.started()),
            (2, 2, 3)
        );
        drop((b, c));
        assert_eq!(probe.in_flight(), 0);
        probe.assert_peak_at_most(2, "jobs");
    }

    #[test]
    #[should_panic(expected = "3 ran at the same time, but at most 2 may")]
    fn a_broken_limit_is_explained() {
        let probe = ConcurrencyProbe::new();
        let _guards = [probe.enter(), probe.enter(), probe.enter()];
        probe.assert_peak_at_most(2, "jobs");
    }
}
