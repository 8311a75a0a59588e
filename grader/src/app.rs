//! What every part of the grader shares and nothing owns: the error that
//! means "you typed something wrong", the one tokio runtime, and the state
//! of an interrupt (Ctrl-C or SIGTERM).
//!
//! It imports nothing from the rest of the grader, so any module may use it
//! without creating a cycle.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::Result;

/// An error the user can fix by changing what they typed or where they ran
/// it. Exits with status 2, like a usage error.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The grader's one tokio runtime: it supervises child processes, which is
/// waiting on I/O and timers, so two worker threads are plenty.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("cannot start the grader's runtime")
    })
}

/// `path` made absolute against the directory the grader was started in.
pub fn absolute(path: PathBuf) -> Result<PathBuf> {
    Ok(if path.is_absolute() {
        path
    } else {
        std::env::current_dir()?.join(path)
    })
}

/// Set (before anything is killed) when Ctrl-C or SIGTERM arrives. From
/// then on the grader is only shutting down: a child the interrupt killed
/// must not be reported, cached or saved as if it had crashed, and the
/// main thread must not reach its own exit first with some other status.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Scratch directories to remove if the run is interrupted.
static SCRATCH_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Ctrl-C or SIGTERM arrived: from now on the process only shuts down.
/// Called before any process group is killed, so that whoever sees a child
/// die sees the flag too. (Watch's `q` kills the groups without this: it is
/// an ordinary exit.)
pub fn mark_interrupted() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether the run has been interrupted (see [`mark_interrupted`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Called where a child's end has just been observed: if the interrupt
/// killed it, wait here for the interrupt handler to end the process, so
/// that nothing downstream acts on a death the grader caused itself.
pub async fn stop_if_interrupted() {
    if interrupted() {
        std::future::pending::<()>().await;
    }
}

/// Registers a scratch directory to delete on Ctrl-C (its `TempDir` guard
/// deletes it on a normal exit).
pub fn remove_on_interrupt(dir: &std::path::Path) {
    SCRATCH_DIRS.lock().unwrap().push(dir.to_path_buf());
}

/// Deletes every registered scratch directory: the last act of a run that
/// is being cut short.
pub fn remove_scratch_dirs() {
    for dir in SCRATCH_DIRS.lock().unwrap().iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
