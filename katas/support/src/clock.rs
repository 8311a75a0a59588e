//! Measuring virtual time.
//!
//! With the clock paused, `tokio::time::Instant::now()` only moves when the
//! runtime has nothing left to do but wait for a timer, and then it jumps
//! straight to that timer. So elapsed time is exact: two 1 s sleeps run
//! concurrently take exactly 1 s, one after the other exactly 2 s. That makes
//! "how long did it take" the sharpest question a test can ask about
//! concurrency.

use std::time::Duration;
use tokio::time::Instant;

/// A stopwatch on tokio's (virtual) clock.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: crate::ledger::Mark,
}

impl Stopwatch {
    /// Starts measuring from the current virtual instant.
    pub fn start() -> Self {
        Stopwatch {
            start: crate::ledger::Mark::now(),
        }
    }

    /// The instant the stopwatch was started.
    pub fn started_at(&self) -> Instant {
        self.start.virtual_at()
    }

    /// Virtual time elapsed since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        let now = crate::ledger::Mark::now();
        crate::ledger::record_span(self.start, now);
        now.virtual_at() - self.start.virtual_at()
    }

    /// Virtual milliseconds elapsed: the unit snapshots record.
    pub fn elapsed_ms(&self) -> u64 {
        self.elapsed().as_millis() as u64
    }

    /// Asserts that exactly `expected` of virtual time has passed.
    ///
    /// `what` names the operation ("with_timeout on a 5 s future"); `meaning`
    /// says what a wrong duration usually means, in the learner's terms.
    #[track_caller]
    pub fn assert_elapsed(&self, expected: Duration, what: &str, meaning: &str) {
        let actual = self.elapsed();
        if actual != expected {
            crate::timeline::measured(what, "elapsed", self.started_at(), Some(expected));
            panic!(
                "{what} took {} of virtual time, expected exactly {}.\n{}",
                fmt_duration(actual),
                fmt_duration(expected),
                meaning
            );
        }
    }
}

/// Formats a duration the way a person reads it: `0ms`, `500ms`, `1s`, `1.5s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if d < Duration::from_millis(1) && !d.is_zero() {
        format!("{}µs", d.as_micros())
    } else if ms < 1000 || !ms.is_multiple_of(100) {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{}.{}s", ms / 1000, (ms % 1000) / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_duration(Duration::ZERO), "0ms");
        assert_eq!(fmt_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(fmt_duration(Duration::from_secs(2)), "2s");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(fmt_duration(Duration::from_millis(1234)), "1234ms");
        assert_eq!(fmt_duration(Duration::from_micros(20)), "20µs");
    }

    #[tokio::test(start_paused = true)]
    async fn stopwatch_measures_virtual_time() {
        let watch = Stopwatch::start();
        tokio::time::sleep(Duration::from_secs(3)).await;
        watch.assert_elapsed(Duration::from_secs(3), "a 3 s sleep", "");
        assert_eq!(watch.elapsed_ms(), 3000);
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "took 3s of virtual time, expected exactly 1s.\nare you awaiting")]
    async fn wrong_elapsed_explains_itself() {
        let watch = Stopwatch::start();
        tokio::time::sleep(Duration::from_secs(3)).await;
        watch.assert_elapsed(
            Duration::from_secs(1),
            "x",
            "are you awaiting one after the other?",
        );
    }
}
