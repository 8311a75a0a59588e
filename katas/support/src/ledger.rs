//! How much virtual time the tests simulate, for `grader bench`.
//!
//! The point of the paused clock is that a minute of timeouts costs
//! microseconds. To show that it does, the bench needs the virtual time each
//! test covered, which only the test process knows. Every helper that reads
//! the virtual clock (a [`Stopwatch`](crate::Stopwatch) asked for its elapsed
//! time, [`within`](crate::within) and [`no_hang`](crate::no_hang) when they
//! finish) reports the span it saw here. When `KATA_VIRTUAL_TIME_DIR` is set,
//! the spans go to a file named after the process in that folder, one
//! `start end` line (nanoseconds) each; the bench merges overlapping spans
//! per process, so a stopwatch around a `no_hang` is counted once. Unset (as
//! it always is for learners), this does nothing.

use std::io::Write;
use std::sync::OnceLock;

use tokio::time::Instant;

/// The folder the bench collects spans in.
pub const VIRTUAL_TIME_DIR_ENV: &str = "KATA_VIRTUAL_TIME_DIR";

/// Records that the test saw virtual time run from `start` to `end`.
pub(crate) fn record_span(start: Instant, end: Instant) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| std::env::var_os(VIRTUAL_TIME_DIR_ENV).map(Into::into))
    else {
        return;
    };
    let origin = *ORIGIN.get_or_init(|| start.into_std());
    write_span(dir, origin, start, end);
}

fn write_span(dir: &std::path::Path, origin: std::time::Instant, start: Instant, end: Instant) {
    // Offsets from the first instant seen in this process, which may come
    // after a stopwatch started earlier: signed.
    let offset = |at: Instant| -> i128 {
        let at = at.into_std();
        if at >= origin {
            (at - origin).as_nanos() as i128
        } else {
            -((origin - at).as_nanos() as i128)
        }
    };
    let path = dir.join(format!("{}.spans", std::process::id()));
    // Best effort: a bench that cannot write loses a measurement, the test
    // is unaffected.
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(file, "{} {}", offset(start), offset(end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn spans_are_written_in_virtual_nanoseconds_from_the_origin() {
        let dir = std::env::temp_dir().join(format!("kata-ledger-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let before = Instant::now();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let origin = Instant::now();
        tokio::time::sleep(Duration::from_secs(60)).await;
        write_span(&dir, origin.into_std(), before, Instant::now());
        let text =
            std::fs::read_to_string(dir.join(format!("{}.spans", std::process::id()))).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(text, "-2000000000 60000000000\n");
    }
}
