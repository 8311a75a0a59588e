//! Wrong: the first race is biased but lists the hedge timer first, so a primary that answers exactly at the hedge time loses the tie and a needless backup is sent.
//! Caught by: a_primary_answering_exactly_at_the_hedge_time_needs_no_backup

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
    // The mistake: with `biased;`, the first branch listed wins a tie.
    tokio::select! {
        biased;
        () = tokio::time::sleep(hedge_after) => {}
        output = &mut primary => return (Source::Primary, output),
    }
    let backup = backup();
    tokio::select! {
        biased;
        output = primary => (Source::Primary, output),
        output = backup => (Source::Backup, output),
    }
}
