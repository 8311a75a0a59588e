//! One grading run at a time per repository.
//!
//! Two graders at once (watch mode and a manual run, an instructor's
//! `verify` beside `--solutions`) would rewrite the overlay workspace and
//! trybuild's generated projects under each other. They share one target
//! directory anyway, so cargo would serialise their builds; we serialise the
//! whole run instead, and say so when we have to wait.

use std::fs::File;
use std::os::fd::AsRawFd;

use anyhow::{Context, Result};

use crate::course::discover::Repo;

/// Held for the whole run; released when dropped (or when the process dies).
pub struct RunLock {
    _file: File,
}

pub fn acquire(repo: &Repo) -> Result<RunLock> {
    let dir = repo.target_dir.join("grader");
    std::fs::create_dir_all(&dir)?;
    let file =
        File::create(dir.join("run.lock")).context("cannot create the grader's lock file")?;
    // SAFETY: flock on a descriptor we own; LOCK_NB returns at once.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        eprintln!("Another grader is running in this repository; waiting for it to finish…");
        // SAFETY: as above; this call blocks until the other run ends.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error())
                .context("cannot lock the grader's lock file");
        }
    }
    Ok(RunLock { _file: file })
}
