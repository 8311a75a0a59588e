//! Everything the grader does differently by operating system, in one place.
//!
//! The grader's promise is that a learner's code cannot hang it, fill its
//! memory or outlive it. How that is kept depends on the system: process
//! groups, signals, resource limits and a subreaper on Unix; Job Objects and
//! exception codes on Windows. The rest of the grader asks this module and
//! never names a system call, so a learner on any system runs the same
//! pipeline, and what a platform cannot guard against is said in one place
//! ([`GUARDS`], shown by `grader --version`).
//!
//! Two implementations:
//! - `unix` (Linux and macOS): every process tree in its own process group,
//!   killed with the group; a data-segment limit per test process; on Linux
//!   a child subreaper that catches processes leaving their group.
//! - `portable` (Windows, and Unix with the `portable-platform` feature):
//!   std only, plus Job Objects on Windows (through `process-wrap`), which
//!   kill a whole tree and die with the grader. Built on Linux with the
//!   feature, the same code runs the grader's own tests and the end-to-end
//!   reliability tests, so the code Windows learners run is not untested.

use std::io;
use std::process::ExitStatus;

#[cfg(all(unix, not(feature = "portable-platform")))]
mod unix;
#[cfg(all(unix, not(feature = "portable-platform")))]
use unix as imp;

#[cfg(not(all(unix, not(feature = "portable-platform"))))]
mod portable;
#[cfg(not(all(unix, not(feature = "portable-platform"))))]
use portable as imp;

pub use imp::{
    GUARDS, become_subreaper, crash_description, file_stamp, interrupted, kill_escapees,
    limit_memory, link, peak_rss_kib, symlink, tests_starting,
};

/// What `grader --version` prints: the version, which implementation this
/// build uses, and what it guards against (end-to-end tests read it to know
/// which guarantees to check).
pub fn long_version() -> &'static str {
    let build = if cfg!(all(unix, not(feature = "portable-platform"))) {
        "unix"
    } else {
        "portable"
    };
    let text = format!(
        "{}
platform: {build} ({})
guards: {GUARDS}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    // Built once per process, for clap, which keeps `&'static str`s.
    Box::leak(text.into_boxed_str())
}

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Killed by the system: the signal number on Unix, the exception code
    /// (an NTSTATUS such as 0xC0000005) on Windows, 0 when nothing says.
    Signal(i32),
    TimedOut,
}

/// What a finished child's status means.
pub fn exit_of(status: ExitStatus) -> Exit {
    imp::exit_of(status)
}

/// When a file was last written and what else the system tells apart: a
/// file rewritten with its old date keeps `modified` but not `changed` or
/// (when it is a new file) `inode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStamp {
    pub len: u64,
    pub modified: (i64, i64),
    /// The status-change time; `None` where std cannot read it.
    pub changed: Option<(i64, i64)>,
    /// Inode and device; 0 where std cannot read them.
    pub inode: u64,
    pub device: u64,
}

/// A child process and everything it starts, killed together: when asked,
/// when dropped, and on the grader's interrupt.
pub struct ProcessTree {
    child: Box<dyn process_wrap::tokio::ChildWrapper>,
    _tracked: imp::Tracked,
}

impl ProcessTree {
    /// Starts `cmd` as the root of a new tree.
    pub fn spawn(cmd: tokio::process::Command) -> io::Result<ProcessTree> {
        let mut wrap = process_wrap::tokio::CommandWrap::from(cmd);
        imp::isolate(&mut wrap);
        wrap.wrap(process_wrap::tokio::KillOnDrop);
        let child = wrap.spawn()?;
        let tracked = imp::Tracked::new(child.id());
        Ok(ProcessTree {
            child,
            _tracked: tracked,
        })
    }

    pub fn take_stdout(&mut self) -> Option<tokio::process::ChildStdout> {
        self.child.stdout().take()
    }

    pub fn take_stderr(&mut self) -> Option<tokio::process::ChildStderr> {
        self.child.stderr().take()
    }

    /// Waits for the root process only. (process-wrap's own `wait` also
    /// waits for the rest of a process group, which would let a test's
    /// stray child hold the grader until its limit: the grader kills the
    /// tree instead, right after.)
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        self.child.inner_mut().wait().await
    }

    /// Kills the whole tree; does not wait.
    pub fn kill(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Drop for ProcessTree {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The same for a process started with std's blocking `Command` (the
/// benchmark drives watch mode that way).
pub struct StdProcessTree {
    child: Box<dyn process_wrap::std::ChildWrapper>,
    _tracked: imp::Tracked,
}

impl StdProcessTree {
    pub fn spawn(cmd: std::process::Command) -> io::Result<StdProcessTree> {
        let mut wrap = process_wrap::std::CommandWrap::from(cmd);
        imp::isolate_std(&mut wrap);
        let child = wrap.spawn()?;
        let tracked = imp::Tracked::new(Some(child.id()));
        Ok(StdProcessTree {
            child,
            _tracked: tracked,
        })
    }

    pub fn take_stdin(&mut self) -> Option<std::process::ChildStdin> {
        self.child.stdin().take()
    }

    pub fn take_stdout(&mut self) -> Option<std::process::ChildStdout> {
        self.child.stdout().take()
    }

    /// Whether the root process has ended (see [`ProcessTree::wait`]).
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.inner_mut().try_wait()
    }

    pub fn kill(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Drop for StdProcessTree {
    fn drop(&mut self) {
        self.kill();
        let _ = self.child.inner_mut().wait();
    }
}

/// Kills every process tree still running, and what escaped them where the
/// platform can tell: used on Ctrl-C and SIGTERM, just before the grader
/// exits.
pub fn kill_all_trees() {
    imp::kill_all_trees();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_names_its_guards() {
        for guard in ["process tree", "memory", "escape"] {
            assert!(GUARDS.contains(guard), "{guard} not in {GUARDS}");
        }
    }

    #[test]
    fn file_stamps_tell_a_rewrite_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "one").unwrap();
        let before = file_stamp(&std::fs::metadata(&path).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "two!").unwrap();
        let after = file_stamp(&std::fs::metadata(&path).unwrap());
        assert_ne!(before, after);
        assert_eq!(after.len, 4);
    }
}
