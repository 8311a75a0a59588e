//! Wrong: the second race is biased but lists the backup first, so when the primary and the backup answer at the same instant, the backup's answer is kept instead of the primary's.
//! Caught by: a_tie_between_primary_and_backup_goes_to_the_primary

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
    let mut primary = primary;
    tokio::select! {
        biased;
        output = &mut primary => return (Source::Primary, output),
        () = tokio::time::sleep(hedge_after) => {}
    }
    let backup = backup();
    // The mistake: "the backup is the fresh one, it goes first".
    tokio::select! {
        biased;
        output = backup => (Source::Backup, output),
        output = primary => (Source::Primary, output),
    }
}
