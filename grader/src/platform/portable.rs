//! Windows, and any system with the `portable-platform` feature: std only,
//! plus Job Objects on Windows.
//!
//! What it guards, and what it cannot:
//! - A process tree: on Windows the root and everything it starts share a
//!   Job Object, terminated whole at the limit and closed (so killed) when
//!   the grader exits, even on Ctrl-C. Elsewhere (the feature on Linux) only
//!   the root process is killed, and an interrupted grader leaves what it
//!   started to finish on its own.
//! - No memory limit: a runaway allocation grows until the system stops it.
//! - No subreaper: nothing to catch, since a Job Object keeps the processes
//!   that try to leave (on Linux with the feature, escapes are not caught).
//! - Links in the overlay are copies: symbolic links need privileges on
//!   Windows.

use std::path::Path;
use std::process::ExitStatus;
use std::time::Duration;

use super::{Exit, FileStamp};

pub const GUARDS: &str = if cfg!(windows) {
    "process trees: a Job Object each, terminated whole at its limit and when the grader \
     exits; memory: no limit (a runaway allocation is not stopped); escapes: none possible \
     (a Job Object keeps the processes its members start)"
} else {
    "process trees: only the root process is killed at its limit (portable build); \
     memory: no limit (a runaway allocation is not stopped); escapes: not caught"
};

pub fn isolate(wrap: &mut process_wrap::tokio::CommandWrap) {
    #[cfg(windows)]
    wrap.wrap(process_wrap::tokio::JobObject);
    #[cfg(not(windows))]
    let _ = wrap;
}

pub fn isolate_std(wrap: &mut process_wrap::std::CommandWrap) {
    #[cfg(windows)]
    wrap.wrap(process_wrap::std::JobObject);
    #[cfg(not(windows))]
    let _ = wrap;
}

/// Nothing to track: a Job Object with kill-on-close dies with the grader's
/// handle to it, and the portable build on Unix has no group to kill.
pub struct Tracked;

impl Tracked {
    pub fn new(_root: Option<u32>) -> Tracked {
        Tracked
    }
}

pub fn kill_all_trees() {}

pub fn become_subreaper() {}

pub fn tests_starting() {}

pub fn kill_escapees(_settle: Duration) -> usize {
    0
}

pub fn exit_of(status: ExitStatus) -> Exit {
    match status.code() {
        // Windows reports an unhandled exception as the exit code: an
        // NTSTATUS with the error bits set (0xC…) or a breakpoint.
        Some(code) if code as u32 & 0xF000_0000 == 0xC000_0000 || code as u32 == 0x8000_0003 => {
            Exit::Signal(code)
        }
        Some(code) => Exit::Code(code),
        // Only Unix ends a process without a code (a signal).
        None => Exit::Signal(signal_of(status)),
    }
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> i32 {
    // The portable build on Unix: std still says which signal it was.
    use std::os::unix::process::ExitStatusExt;
    status.signal().unwrap_or(0)
}

#[cfg(not(unix))]
fn signal_of(_status: ExitStatus) -> i32 {
    0
}

/// What an exception code (or, in the portable build on Unix, a signal)
/// that ended a test process means, for the learner.
pub fn crash_description(code: i32) -> String {
    let known = match code as u32 {
        0xC000_0005 => "crashed with an access violation (0xC0000005): is there `unsafe` code?",
        0xC000_00FD => {
            "overflowed its stack (0xC00000FD): runaway recursion, or a huge value \
                        on the stack."
        }
        0xC000_0409 => {
            "aborted (0xC0000409: std::process::abort, or a panic while already \
                        panicking). Nothing after that point ran."
        }
        0xC000_0017 | 0xC000_012D => "ran out of memory (0xC0000017).",
        0xC000_013A => "was stopped by Ctrl-C (0xC000013A).",
        0xC000_0094 => "divided an integer by zero (0xC0000094).",
        0xC000_001D => "executed an illegal instruction (0xC000001D).",
        0x8000_0003 => "hit a breakpoint (0x80000003).",
        // The portable build on Unix: the common signals.
        6 => {
            "aborted (std::process::abort, or a panic while already panicking). Nothing \
              after that point ran."
        }
        9 => "was killed (signal 9), most likely for using too much memory.",
        11 => "crashed with a segmentation fault (signal 11): is there `unsafe` code?",
        0 => "crashed, and the system did not say how.",
        _ => "",
    };
    if known.is_empty() {
        format!(
            "the test process crashed with code {code} ({:#010X}).",
            code as u32
        )
    } else {
        format!("the test process {known}")
    }
}

pub fn limit_memory(_cmd: &mut tokio::process::Command, _bytes: u64) {}

/// Makes `at` stand for `target`: a copy (a directory copied whole), written
/// only where it differs, so that cargo does not see a change and rebuild.
/// Files at `at` that `target` no longer has are removed.
pub fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(target)?;
    let existing = std::fs::symlink_metadata(at).ok();
    if meta.is_dir() {
        if existing.as_ref().is_some_and(|m| !m.is_dir()) {
            std::fs::remove_file(at)?;
        }
        std::fs::create_dir_all(at)?;
        let mut wanted = std::collections::HashSet::new();
        for entry in std::fs::read_dir(target)? {
            let entry = entry?;
            wanted.insert(entry.file_name());
            link(&entry.path(), &at.join(entry.file_name()))?;
        }
        for entry in std::fs::read_dir(at)? {
            let entry = entry?;
            if !wanted.contains(&entry.file_name()) {
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        return Ok(());
    }
    if let Some(existing) = existing {
        if existing.is_dir() {
            std::fs::remove_dir_all(at)?;
        } else if existing.len() == meta.len()
            && std::fs::read(at).ok() == std::fs::read(target).ok()
        {
            return Ok(());
        } else {
            std::fs::remove_file(at)?;
        }
    }
    std::fs::copy(target, at).map(|_| ())
}

pub fn file_stamp(meta: &std::fs::Metadata) -> FileStamp {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos() as i64));
    FileStamp {
        len: meta.len(),
        modified,
        changed: None,
        inode: 0,
        device: 0,
    }
}

/// Symbolic links need privileges on Windows: a trusted ref that holds one
/// cannot be recreated.
pub fn symlink(_link: &Path, at: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(format!(
        "{}: the trusted ref has a symbolic link, which the portable build cannot recreate",
        at.display()
    )))
}

/// Resolves on Ctrl-C (130), or when the grader is told to end: the
/// console closed on Windows, SIGTERM in the portable build on Unix (143).
pub async fn interrupted() -> i32 {
    let ctrl_c = async {
        match tokio::signal::ctrl_c().await {
            Ok(()) => 130,
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        code = ctrl_c => code,
        code = terminated() => code,
    }
}

#[cfg(windows)]
async fn terminated() -> i32 {
    match tokio::signal::windows::ctrl_close() {
        Ok(mut close) => {
            close.recv().await;
            143
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(unix)]
async fn terminated() -> i32 {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            terminate.recv().await;
            143
        }
        Err(_) => std::future::pending().await,
    }
}

/// Not measured here: 0.
pub fn peak_rss_kib() -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_codes_are_crashes_with_words() {
        let access_violation = 0xC000_0005_u32 as i32;
        assert!(crash_description(access_violation).contains("access violation"));
        assert!(crash_description(0xC000_00FD_u32 as i32).contains("stack"));
        assert!(crash_description(0xC000_0409_u32 as i32).contains("abort"));
        assert!(crash_description(0x1234).contains("0x00001234"));
        assert!(crash_description(0).contains("did not say how"));
    }

    #[test]
    fn copies_stand_in_for_links_and_follow_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("tests");
        std::fs::create_dir_all(target.join("ui")).unwrap();
        std::fs::write(target.join("ui/case.rs"), "fn main() {}").unwrap();
        std::fs::write(target.join("grading.rs"), "one").unwrap();
        let at = dir.path().join("member/tests");
        std::fs::create_dir_all(dir.path().join("member")).unwrap();
        link(&target, &at).unwrap();
        assert_eq!(
            std::fs::read_to_string(at.join("ui/case.rs")).unwrap(),
            "fn main() {}"
        );

        // Unchanged files are not rewritten (cargo would rebuild).
        let before = std::fs::metadata(at.join("grading.rs"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20));
        link(&target, &at).unwrap();
        let after = std::fs::metadata(at.join("grading.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);

        // Changed, added and removed files follow.
        std::fs::write(target.join("grading.rs"), "two").unwrap();
        std::fs::remove_file(target.join("ui/case.rs")).unwrap();
        std::fs::write(target.join("new.rs"), "new").unwrap();
        link(&target, &at).unwrap();
        assert_eq!(
            std::fs::read_to_string(at.join("grading.rs")).unwrap(),
            "two"
        );
        assert!(!at.join("ui/case.rs").exists());
        assert_eq!(std::fs::read_to_string(at.join("new.rs")).unwrap(), "new");
    }

    #[test]
    fn exit_codes_and_exceptions_are_told_apart() {
        #[cfg(windows)]
        {
            use std::os::windows::process::ExitStatusExt;
            assert_eq!(exit_of(ExitStatus::from_raw(3)), Exit::Code(3));
            assert_eq!(
                exit_of(ExitStatus::from_raw(0xC000_0005)),
                Exit::Signal(0xC000_0005_u32 as i32)
            );
        }
        #[cfg(unix)]
        {
            let status = std::process::Command::new("sh")
                .args(["-c", "kill -ABRT $$"])
                .status()
                .unwrap();
            assert_eq!(exit_of(status), Exit::Signal(6));
            let status = std::process::Command::new("sh")
                .args(["-c", "exit 3"])
                .status()
                .unwrap();
            assert_eq!(exit_of(status), Exit::Code(3));
        }
    }
}
