//! Running a child process that cannot hang the grader.
//!
//! Every process the grader starts (cargo, test binaries) runs in its own
//! process group with a wall-clock limit. On expiry, or as soon as the main
//! process exits, the whole group is killed: a test that spawned a child, or
//! cargo's own rustc processes, do not outlive it. Output is read
//! concurrently (so a chatty child never blocks on a full pipe) and capped
//! (so a child printing a gigabyte does not fill the grader's memory).

use std::collections::HashSet;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

/// Process groups currently running, so an interrupt can kill them all.
static LIVE_GROUPS: Mutex<Option<HashSet<i32>>> = Mutex::new(None);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
}

#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Some output was dropped because it passed the cap.
    pub truncated: bool,
    pub elapsed: Duration,
}

/// Runs `cmd` to completion or until `limit`, whichever comes first.
pub async fn run_limited(mut cmd: Command, limit: Duration, output_cap: usize) -> Result<Finished> {
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.as_std().get_program()))?;
    let group =
        GroupGuard::register(child.id().expect("a child that was just spawned has a pid") as i32);
    let stdout = Capture::start(child.stdout.take().unwrap(), output_cap);
    let stderr = Capture::start(child.stderr.take().unwrap(), output_cap);

    let exit = match tokio::time::timeout(limit, child.wait()).await {
        Ok(status) => {
            let status = status?;
            match status.code() {
                Some(code) => Exit::Code(code),
                None => Exit::Signal(status.signal().unwrap_or(0)),
            }
        }
        Err(_) => Exit::TimedOut,
    };
    crate::app::stop_if_interrupted().await;
    // Whatever is left of the group (the child itself on a timeout, or
    // anything it started) goes now; then the pipes close and reads finish.
    drop(group);
    if exit == Exit::TimedOut {
        let _ = child.wait().await;
    }
    let elapsed = started.elapsed();
    let (stdout, out_cut) = stdout.finish().await;
    let (stderr, err_cut) = stderr.finish().await;
    Ok(Finished {
        exit,
        stdout,
        stderr,
        truncated: out_cut || err_cut,
        elapsed,
    })
}

/// One output stream of a child, read to the end as it comes and capped:
/// the first half of the cap and the last half are kept, so a test that
/// prints a gigabyte before it panics still shows its panic message.
struct Capture {
    kept: std::sync::Arc<Mutex<Kept>>,
    reader: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Kept {
    cap: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    dropped: u64,
}

impl Capture {
    fn start(mut pipe: impl AsyncRead + Unpin + Send + 'static, cap: usize) -> Capture {
        let kept = std::sync::Arc::new(Mutex::new(Kept {
            cap,
            ..Kept::default()
        }));
        let shared = kept.clone();
        let reader = tokio::spawn(async move {
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                match pipe.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => shared.lock().unwrap().push(&chunk[..n]),
                }
            }
        });
        Capture { kept, reader }
    }

    /// What was kept, and whether anything was dropped.
    async fn finish(self) -> (Vec<u8>, bool) {
        // The group is dead, so the pipe is closed unless something escaped
        // the group and holds it open; do not wait long for that, and keep
        // what was read.
        let complete = tokio::time::timeout(Duration::from_secs(2), self.reader)
            .await
            .is_ok();
        let kept = self.kept.lock().unwrap();
        let mut out = kept.head.clone();
        if kept.dropped > 0 {
            out.extend_from_slice(
                format!("\n[… {} bytes of output not kept …]\n", kept.dropped).as_bytes(),
            );
        }
        out.extend(kept.tail.iter());
        (out, kept.dropped > 0 || !complete)
    }
}

impl Kept {
    fn push(&mut self, mut bytes: &[u8]) {
        let head_room = (self.cap / 2).saturating_sub(self.head.len());
        let n = head_room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..n]);
        bytes = &bytes[n..];
        let tail_cap = self.cap - self.cap / 2;
        if bytes.len() >= tail_cap {
            self.dropped += (self.tail.len() + bytes.len() - tail_cap) as u64;
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - tail_cap..]);
        } else {
            self.tail.extend(bytes);
            let over = self.tail.len().saturating_sub(tail_cap);
            self.dropped += over as u64;
            self.tail.drain(..over);
        }
    }
}

/// Kills the process group when dropped, and tracks it while it lives.
pub struct GroupGuard(i32);

impl GroupGuard {
    /// Tracks the group led by `pgid` (a child spawned with `process_group(0)`).
    pub fn register(pgid: i32) -> GroupGuard {
        LIVE_GROUPS
            .lock()
            .unwrap()
            .get_or_insert_with(HashSet::new)
            .insert(pgid);
        GroupGuard(pgid)
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        kill_group(self.0);
        if let Some(groups) = LIVE_GROUPS.lock().unwrap().as_mut() {
            groups.remove(&self.0);
        }
    }
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg has no memory-safety preconditions; a group that is
    // already gone just returns ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Kills every process group still running and removes scratch
/// directories: used on Ctrl-C and SIGTERM.
pub fn kill_all_groups() {
    if let Some(groups) = LIVE_GROUPS.lock().unwrap().as_ref() {
        for pgid in groups {
            kill_group(*pgid);
        }
    }
    // Children that left their group are orphaned as their parents die:
    // give that a moment, then kill them too.
    super::reaper::kill_escapees(Duration::from_millis(200));
    crate::app::remove_scratch_dirs();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    /// `script` run by sh under a 5 s limit, keeping `cap` bytes a stream.
    async fn sh_capped(script: &str, cap: usize) -> Finished {
        run_limited(sh(script), Duration::from_secs(5), cap)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn captures_output_and_exit_code() {
        let done = sh_capped("echo out; echo err >&2; exit 3", 1024).await;
        assert_eq!(done.exit, Exit::Code(3));
        assert_eq!(done.stdout, b"out\n");
        assert_eq!(done.stderr, b"err\n");
        assert!(!done.truncated);
    }

    #[tokio::test]
    async fn caps_output_without_blocking_the_child() {
        let done = sh_capped("head -c 1000000 /dev/zero", 1000).await;
        assert_eq!(done.exit, Exit::Code(0));
        // The first and the last 500 bytes, and how much is missing between.
        let text = String::from_utf8_lossy(&done.stdout);
        assert!(text.starts_with(&"\0".repeat(500)), "{text:?}");
        assert!(
            text.ends_with(&format!(
                "\n[… 999000 bytes of output not kept …]\n{}",
                "\0".repeat(500)
            )),
            "{text:?}"
        );
        assert!(done.truncated);
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
        // is dead for our purposes.
        let state = std::fs::read_to_string(format!("/proc/{grandchild}/stat")).unwrap_or_default();
        let running = state
            .rsplit(") ")
            .next()
            .is_some_and(|rest| !rest.starts_with('Z'));
        assert!(
            !running,
            "the grandchild {grandchild} survived the group kill: {state}"
        );
    }

    #[tokio::test]
    async fn reports_a_signal() {
        let done = run_limited(sh("kill -ABRT $$"), Duration::from_secs(5), 1024)
            .await
            .unwrap();
        assert_eq!(done.exit, Exit::Signal(libc::SIGABRT));
    }
}
