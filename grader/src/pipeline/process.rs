//! Running a child process that cannot hang the grader.
//!
//! Every process the grader starts (cargo, test binaries) is the root of its
//! own process tree (`platform::ProcessTree`: a process group on Unix, a Job
//! Object on Windows) with a wall-clock limit. On expiry, or as soon as the
//! main process exits, the whole tree is killed: a test that spawned a
//! child, or cargo's own rustc processes, do not outlive it. Output is read
//! concurrently (so a chatty child never blocks on a full pipe) and capped
//! (so a child printing a gigabyte does not fill the grader's memory).

use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

pub use crate::platform::Exit;
use crate::platform::ProcessTree;

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
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = cmd.as_std().get_program().to_owned();
    let started = Instant::now();
    let mut tree = ProcessTree::spawn(cmd).with_context(|| format!("cannot start {program:?}"))?;
    let stdout = Capture::start(tree.take_stdout().unwrap(), output_cap);
    let stderr = Capture::start(tree.take_stderr().unwrap(), output_cap);

    let exit = match tokio::time::timeout(limit, tree.wait()).await {
        Ok(status) => crate::platform::exit_of(status?),
        Err(_) => Exit::TimedOut,
    };
    crate::app::stop_if_interrupted().await;
    // Whatever is left of the tree (the child itself on a timeout, or
    // anything it started) goes now; then the pipes close and reads finish.
    tree.kill();
    if exit == Exit::TimedOut {
        let _ = tree.wait().await;
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

/// Kills every process tree still running and removes scratch
/// directories: used on Ctrl-C and SIGTERM.
pub fn kill_all_groups() {
    crate::platform::kill_all_trees();
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
}
