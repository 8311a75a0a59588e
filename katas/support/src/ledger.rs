//! How much virtual time the tests simulate, for `grader bench`.
//!
//! The point of the paused clock is that a minute of timeouts costs
//! microseconds. To show that it does, the bench needs the virtual time each
//! test covered, which only the test process knows. Every helper that reads
//! the virtual clock (a [`Stopwatch`](crate::Stopwatch) asked for its elapsed
//! time, [`within`](crate::within) and [`no_hang`](crate::no_hang) when they
//! finish) reports the span it saw here. When `KATA_VIRTUAL_TIME_DIR` is set,
//! the spans go to a file named after the process in that folder, one line
//! each: virtual start and end, real start and end (nanoseconds), and the
//! test's name. The bench merges overlapping spans per test, so a stopwatch
//! around a `no_hang` is counted once. (Per test, not per process: tests
//! that share a process each run their own paused clock, and two tests'
//! virtual spans can overlap without covering the same simulated time.)
//! Unset (as it always is for learners), this does nothing.

use std::io::Write as _;
use std::sync::OnceLock;

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
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    static ORIGIN: OnceLock<Mark> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| std::env::var_os(VIRTUAL_TIME_DIR_ENV).map(Into::into))
    else {
        return;
    };
    let origin = *ORIGIN.get_or_init(|| start);
    write_span(dir, origin, start, end);
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
fn write_span(dir: &std::path::Path, origin: Mark, start: Mark, end: Mark) {
    let virtual_origin = origin.virtual_at.into_std();
    let line = format!(
        "{} {} {} {} {}\n",
        offset(virtual_origin, start.virtual_at.into_std()),
        offset(virtual_origin, end.virtual_at.into_std()),
        offset(origin.real_at, start.real_at),
        offset(origin.real_at, end.real_at),
        std::thread::current()
            .name()
            .unwrap_or("?")
            .replace(' ', "_"),
    );
    let path = dir.join(format!("{}.spans", std::process::id()));
    // Best effort: a bench that cannot write loses a measurement, the test
    // is unaffected.
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = file.write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn spans_are_written_in_nanoseconds_from_the_origin_on_both_clocks() {
        let dir = std::env::temp_dir().join(format!("kata-ledger-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let before = Mark::now();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let origin = Mark::now();
        tokio::time::sleep(Duration::from_secs(60)).await;
        let end = Mark::now();
        write_span(&dir, origin, before, end);
        let text =
            std::fs::read_to_string(dir.join(format!("{}.spans", std::process::id()))).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
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
