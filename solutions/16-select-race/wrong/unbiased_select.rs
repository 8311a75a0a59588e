//! Wrong: both `select!`s leave out `biased;`, so they poll their branches in a random order and a tie (primary and timer, or primary and backup, ready at the same instant) goes either way.
//! Caught by: a_tie_between_primary_and_backup_goes_to_the_primary, a_primary_answering_exactly_at_the_hedge_time_needs_no_backup

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
    // The mistake: no `biased;` in either race.
    tokio::select! {
        output = &mut primary => return (Source::Primary, output),
        () = tokio::time::sleep(hedge_after) => {}
    }
    let backup = backup();
    tokio::select! {
        output = primary => (Source::Primary, output),
        output = backup => (Source::Backup, output),
    }
}
