//! Wrong: spawns the primary and the backup as tasks and returns the first answer, but only drops the loser's JoinHandle, which detaches the task instead of cancelling it: the losing request keeps running after `hedged` returns.
//! Caught by: a_slow_primary_is_hedged_and_the_backup_wins

use std::time::Duration;

use futures::future::BoxFuture;

/// Which request an answer came from. Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

// (Spawning needs `T: Send + 'static`; the tests' values satisfy it.)
pub async fn hedged<T: Send + 'static>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    let mut primary = tokio::spawn(primary);
    tokio::select! {
        biased;
        output = &mut primary => return (Source::Primary, output.expect("primary panicked")),
        () = tokio::time::sleep(hedge_after) => {}
    }
    let mut backup = tokio::spawn(backup());
    // The mistake: whichever handle loses is simply dropped. Its task, and
    // the request inside it, goes on running in the background.
    tokio::select! {
        biased;
        output = &mut primary => (Source::Primary, output.expect("primary panicked")),
        output = &mut backup => (Source::Backup, output.expect("backup panicked")),
    }
}
