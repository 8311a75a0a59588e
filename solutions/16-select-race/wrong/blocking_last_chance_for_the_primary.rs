//! Wrong: when the hedge timer fires it blocks the thread for 1ms with std::thread::sleep to give the primary "one last chance" before calling backup(): no virtual time, but the runtime thread stops.
//! Caught by: hedging_never_blocks_the_thread

use std::time::Duration;

use futures::future::FutureExt;
use futures::future::BoxFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

/// How long the primary gets to answer after the hedge timer before we pay
/// for a backup.
const LAST_CHANCE: Duration = Duration::from_millis(1);

pub async fn hedged<T>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    let mut primary = primary;
    tokio::select! {
        biased;
        answer = &mut primary => return (Source::Primary, answer),
        () = tokio::time::sleep(hedge_after) => {}
    }
    std::thread::sleep(LAST_CHANCE);
    if let Some(answer) = (&mut primary).now_or_never() {
        return (Source::Primary, answer);
    }
    let backup = backup();
    tokio::select! {
        biased;
        answer = primary => (Source::Primary, answer),
        answer = backup => (Source::Backup, answer),
    }
}
