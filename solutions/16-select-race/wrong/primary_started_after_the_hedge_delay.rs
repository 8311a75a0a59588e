//! Wrong: sleeps the hedge delay first and only then races the primary against the backup, so the primary gets no head start: a fast primary answers late, and a backup is sent every time.
//! Caught by: a_fast_primary_wins_without_starting_the_backup

use std::time::Duration;

use futures::future::BoxFuture;

/// Which request an answer came from. Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

pub async fn hedged<T>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    // The mistake: the primary is not polled (not even started) while the
    // timer runs: futures are lazy.
    tokio::time::sleep(hedge_after).await;
    let backup = backup();
    tokio::select! {
        biased;
        output = primary => (Source::Primary, output),
        output = backup => (Source::Backup, output),
    }
}
