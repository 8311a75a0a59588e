//! Wrong: calls `backup()` at once and races it against the primary from the start, so every request is sent twice and a fast backup beats a primary that would have answered before the hedge delay.
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
    _hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    // The mistake: no timer at all. The backup is sent with the primary.
    let backup = backup();
    tokio::select! {
        biased;
        output = primary => (Source::Primary, output),
        output = backup => (Source::Backup, output),
    }
}
