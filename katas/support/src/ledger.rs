//! How much virtual time the tests simulate, for `grader bench`.
//!
//! The point of the paused clock is that a minute of timeouts costs
//! microseconds. To show that it does, the bench needs the virtual time each
//! test covered, which only the test process knows. Every helper that reads
//! the virtual clock (a [`Stopwatch`](crate::Stopwatch) asked for its elapsed
//! time, [`within`](crate::within) and [`no_hang`](crate::no_hang) when they
//! finish, an [`EventLog`](crate::EventLog) from its creation to each event)
//! reports the span it saw here. When `KATA_VIRTUAL_TIME_DIR` is set,
//! the spans go to a file named after the process in that folder, one line
//! each: virtual start and end, real start and end (nanoseconds), and the
//! test's name. The bench merges overlapping spans per test, so a stopwatch
//! around a `no_hang` is counted once. (Per test, not per process: tests
//! that share a process each run their own paused clock, and two tests'
//! virtual spans can overlap without covering the same simulated time.)
//! Unset (as it always is for learners), this does nothing.

use std::io::Write as _;
use std::sync::{Mutex, OnceLock};

use tokio::time::Instant;

/// The folder the bench collects spans in.
pub const VIRTUAL_TIME_DIR_ENV: &str = "KATA_VIRTUAL_TIME_DIR";

/// Where a measurement started, on both clocks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    virtual_at: Instant,
    real_at: std::time::Instant,
}

impl Mark {
    pub(crate) fn now() -> Mark {
        crate::stuck::ensure_started();
        Mark {
            virtual_at: Instant::now(),
            real_at: std::time::Instant::now(),
        }
    }

    pub(crate) fn virtual_at(&self) -> Instant {
        self.virtual_at
    }
}

/// Records that the test saw virtual time run from `start` to `end`, and
/// how much real time that took.
pub(crate) fn record_span(start: Mark, end: Mark) {
    // Opened once per process and kept: the bench times these processes,
    // so recording must cost a write, not an open and a close per span.
    static FILE: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();
    static ORIGIN: OnceLock<Mark> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        let dir = std::path::PathBuf::from(std::env::var_os(VIRTUAL_TIME_DIR_ENV)?);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("{}.spans", std::process::id())))
            .ok()
            .map(Mutex::new)
    });
    let Some(file) = file else {
        return;
    };
    let origin = *ORIGIN.get_or_init(|| start);
    // Best effort: a bench that cannot write loses a measurement, the test
    // is unaffected.
    if let Ok(mut file) = file.lock() {
        let _ = file.write_all(span_line(origin, start, end).as_bytes());
    }
}

/// Nanoseconds from `origin` to `at`; signed, since a stopwatch may have
/// started before the first span this process recorded.
fn offset(origin: std::time::Instant, at: std::time::Instant) -> i128 {
    if at >= origin {
        (at - origin).as_nanos() as i128
    } else {
        -((origin - at).as_nanos() as i128)
    }
}

/// One line per span: virtual start and end, then real start and end, in
/// nanoseconds from the process's first mark, then the test. libtest runs
/// each test on a thread named after it, and the paused clock only exists
/// on a current-thread runtime, whose tasks all run on that thread.
fn span_line(origin: Mark, start: Mark, end: Mark) -> String {
    let virtual_origin = origin.virtual_at.into_std();
    format!(
        "{} {} {} {} {}\n",
        offset(virtual_origin, start.virtual_at.into_std()),
        offset(virtual_origin, end.virtual_at.into_std()),
        offset(origin.real_at, start.real_at),
        offset(origin.real_at, end.real_at),
        std::thread::current()
            .name()
            .unwrap_or("?")
            .replace(' ', "_"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn spans_are_written_in_nanoseconds_from_the_origin_on_both_clocks() {
        let before = Mark::now();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let origin = Mark::now();
        tokio::time::sleep(Duration::from_secs(60)).await;
        let end = Mark::now();
        let text = span_line(origin, before, end);
        let fields: Vec<i128> = text
            .split_whitespace()
            .map_while(|f| f.parse().ok())
            .collect();
        assert_eq!(fields[..2], [-2_000_000_000, 60_000_000_000]);
        assert!(
            text.trim_end().ends_with(
                " ledger::tests::spans_are_written_in_nanoseconds_from_the_origin_on_both_clocks"
            ),
            "the test's name ends the line: {text}"
        );
        // Real time went forward a little, from before the origin.
        assert!(
            fields[2] <= 0 && fields[3] >= 0 && fields[3] < 1_000_000_000,
            "{text}"
        );
    }
}
