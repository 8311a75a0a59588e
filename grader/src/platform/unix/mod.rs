//! Linux and macOS: process groups, signals, `RLIMIT_DATA`, and on Linux a
//! child subreaper.

mod reaper;

use std::collections::HashSet;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::ExitStatus;
use std::sync::Mutex;
use std::time::Duration;

pub use reaper::{become_subreaper, kill_escapees, tests_starting};

use super::{Exit, FileStamp};

pub const GUARDS: &str = if cfg!(target_os = "linux") {
    "process trees: a process group each, killed whole at its limit and on Ctrl-C; \
     memory: 2 GiB of data per test process (RLIMIT_DATA); \
     escapes: a child that leaves its group is adopted (subreaper) and killed"
} else {
    "process trees: a process group each, killed whole at its limit and on Ctrl-C; \
     memory: RLIMIT_DATA is set, but this system's allocator may not honour it; \
     escapes: a child that leaves its group is not caught (no subreaper here)"
};

/// Process groups currently running, so an interrupt can kill them all.
static LIVE_GROUPS: Mutex<Option<HashSet<i32>>> = Mutex::new(None);

/// Puts the tree in a process group of its own, led by its root.
pub fn isolate(wrap: &mut process_wrap::tokio::CommandWrap) {
    wrap.wrap(process_wrap::tokio::ProcessGroup::leader());
}

pub fn isolate_std(wrap: &mut process_wrap::std::CommandWrap) {
    wrap.wrap(process_wrap::std::ProcessGroup::leader());
}

/// A live group, remembered for [`kill_all_trees`] until dropped.
pub struct Tracked(Option<i32>);

impl Tracked {
    pub fn new(leader: Option<u32>) -> Tracked {
        let pgid = leader.map(|pid| pid as i32);
        if let Some(pgid) = pgid {
            LIVE_GROUPS
                .lock()
                .unwrap()
                .get_or_insert_with(HashSet::new)
                .insert(pgid);
        }
        Tracked(pgid)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let (Some(pgid), Some(groups)) = (self.0, LIVE_GROUPS.lock().unwrap().as_mut()) {
            groups.remove(&pgid);
        }
    }
}

pub fn kill_all_trees() {
    if let Some(groups) = LIVE_GROUPS.lock().unwrap().as_ref() {
        for pgid in groups {
            // SAFETY: killpg has no memory-safety preconditions; a group
            // that is already gone just returns ESRCH.
            unsafe {
                libc::killpg(*pgid, libc::SIGKILL);
            }
        }
    }
    // Children that left their group are orphaned as their parents die:
    // give that a moment, then kill them too.
    kill_escapees(Duration::from_millis(200));
}

pub fn exit_of(status: ExitStatus) -> Exit {
    match status.code() {
        Some(code) => Exit::Code(code),
        None => Exit::Signal(status.signal().unwrap_or(0)),
    }
}

/// What a signal that killed a test process means, for the learner.
pub fn crash_description(signal: i32) -> String {
    match signal {
        libc::SIGABRT => "the test process aborted (std::process::abort, or a panic while \
                          already panicking). Nothing after that point ran."
            .to_string(),
        libc::SIGKILL => {
            "the test process was killed (signal 9), most likely for using too much memory."
                .to_string()
        }
        libc::SIGSEGV => "the test process crashed with a segmentation fault (signal 11): is \
                          there `unsafe` code?"
            .to_string(),
        libc::SIGBUS => format!(
            "the test process crashed with a bus error (signal {signal}): is there `unsafe` code?"
        ),
        other => format!("the test process was killed by signal {other}."),
    }
}

/// Starts `cmd` with the memory limit (see `pipeline::limits`).
pub fn limit_memory(cmd: &mut tokio::process::Command, bytes: u64) {
    // SAFETY: the closure runs between fork and exec, where only
    // async-signal-safe calls are allowed; setrlimit is one, and the closure
    // allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            // A limit already lower than ours (the learner's own `ulimit
            // -d`) stays: setrlimit fails to raise a hard limit, and that
            // is fine.
            libc::setrlimit(libc::RLIMIT_DATA, &limit);
            Ok(())
        });
    }
}

/// Makes `at` stand for `target`: a symbolic link.
pub fn link(target: &Path, at: &Path) -> std::io::Result<()> {
    if std::fs::read_link(at).is_ok_and(|to| to == target) {
        return Ok(());
    }
    match std::fs::symlink_metadata(at) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(at)?,
        Ok(_) => std::fs::remove_file(at)?,
        Err(_) => {}
    }
    std::os::unix::fs::symlink(target, at)
}

/// Recreates a symbolic link whose content is `link`.
pub fn symlink(link: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

pub fn file_stamp(meta: &std::fs::Metadata) -> FileStamp {
    use std::os::unix::fs::MetadataExt;
    FileStamp {
        len: meta.len(),
        modified: (meta.mtime(), meta.mtime_nsec()),
        changed: Some((meta.ctime(), meta.ctime_nsec())),
        inode: meta.ino(),
        device: meta.dev(),
    }
}

/// Resolves on Ctrl-C (130) or SIGTERM (143), with the exit status to use.
pub async fn interrupted() -> i32 {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => 130,
        _ = terminate.recv() => 143,
    }
}

/// This process's peak resident memory, in KiB.
pub fn peak_rss_kib() -> u64 {
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
    hwm.unwrap_or_else(|| {
        // SAFETY: getrusage only writes into the struct we pass.
        let usage = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut usage);
            usage
        };
        // Linux reports KiB, macOS bytes.
        let max = usage.ru_maxrss as u64;
        if cfg!(target_os = "macos") {
            max / 1024
        } else {
            max
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::process::run_limited;

    fn sh(script: &str) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[tokio::test]
    async fn kills_the_whole_group_on_timeout() {
        // The child starts a grandchild that would otherwise outlive it.
        let marker = std::env::temp_dir().join(format!("grader-pg-{}", std::process::id()));
        let script = format!(
            "(trap '' TERM; while :; do sleep 0.05; done) & echo $! > {}; wait",
            marker.display()
        );
        let done = run_limited(sh(&script), Duration::from_millis(300), 1024)
            .await
            .unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
        let grandchild: i32 = std::fs::read_to_string(&marker)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        std::fs::remove_file(&marker).ok();
        // A killed process may linger as a zombie until it is reaped; that
        // is dead for our purposes. kill(pid, 0) fails once it is reaped.
        let mut alive = true;
        for _ in 0..100 {
            let state =
                std::fs::read_to_string(format!("/proc/{grandchild}/stat")).unwrap_or_default();
            let zombie = state
                .rsplit(") ")
                .next()
                .is_some_and(|r| r.starts_with('Z'));
            // SAFETY: signal 0 only checks that the process exists.
            alive = !zombie && unsafe { libc::kill(grandchild, 0) } == 0;
            if !alive {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            !alive,
            "the grandchild {grandchild} survived the group kill"
        );
    }

    #[tokio::test]
    async fn reports_a_signal() {
        let done = run_limited(sh("kill -ABRT $$"), Duration::from_secs(5), 1024)
            .await
            .unwrap();
        assert_eq!(done.exit, Exit::Signal(libc::SIGABRT));
        assert!(crash_description(libc::SIGABRT).contains("aborted"));
    }

    #[tokio::test]
    async fn the_memory_limit_applies_to_the_child_and_what_it_starts() {
        let mut cmd = sh("ulimit -d; sh -c 'ulimit -d'");
        // `ulimit -d` reports KiB; the inner sh is a grandchild.
        limit_memory(&mut cmd, 1 << 30);
        let out = cmd.output().await.unwrap();
        let kib = ((1u64 << 30) / 1024).to_string();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [kib.as_str(), kib.as_str()]
        );
    }
}
