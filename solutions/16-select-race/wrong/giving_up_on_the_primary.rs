//! Wrong: when the hedge timer fires it drops the primary and waits for the backup alone, throwing away the primary's head start: a primary answering soon after the hedge is ignored for a slower backup.
//! Caught by: the_primary_still_wins_if_it_answers_first_after_the_hedge

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
    // The mistake: `primary` is moved into the first race, so when the
    // timer wins it is dropped (cancelled) with it. That is a timeout with
    // a fallback, not a hedge.
    match tokio::time::timeout(hedge_after, primary).await {
        Ok(output) => (Source::Primary, output),
        Err(_) => (Source::Backup, backup().await),
    }
}
