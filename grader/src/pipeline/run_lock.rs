//! One grading run at a time per repository.
//!
//! Two graders at once (watch mode and a manual run, an instructor's
//! `verify` beside `--solutions`) would rewrite the overlay workspace and
//! trybuild's generated projects under each other. They share one target
//! directory anyway, so cargo would serialise their builds; we serialise the
//! whole run instead, and say so when we have to wait.

use std::fs::{File, TryLockError};

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
    // std's file locks: flock on Unix, LockFileEx on Windows; released by
    // the system when the process dies, however it dies.
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            eprintln!("Another grader is running in this repository; waiting for it to finish…");
            file.lock().context("cannot lock the grader's lock file")?;
        }
        Err(TryLockError::Error(error)) => {
            return Err(error).context("cannot lock the grader's lock file");
        }
    }
    Ok(RunLock { _file: file })
}
