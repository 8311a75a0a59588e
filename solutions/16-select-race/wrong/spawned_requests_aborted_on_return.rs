//! Wrong: spawns both requests and aborts (and awaits) the loser before returning, but when the caller drops hedged mid-way, the JoinHandles are only dropped, which detaches the tasks: both requests run on.
//! Caught by: dropping_hedged_cancels_both_requests

use std::time::Duration;

use futures::future::BoxFuture;

/// Which request an answer came from. Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

// (Spawning needs `T: Send + 'static`, which the kata's signature does not
// have: a test file with other outputs does not compile.)
pub async fn hedged<T: Send + 'static>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    let mut primary = tokio::spawn(primary);
    tokio::select! {
        biased;
        output = &mut primary => return (Source::Primary, output.expect("the primary panicked")),
        () = tokio::time::sleep(hedge_after) => {}
    }
    let mut backup = tokio::spawn(backup());
    // The mistake: the loser is stopped below, on the way out; a caller
    // that drops this future while it waits here stops nothing.
    let answer = tokio::select! {
        biased;
        output = &mut primary => (Source::Primary, output.expect("the primary panicked")),
        output = &mut backup => (Source::Backup, output.expect("the backup panicked")),
    };
    let loser = match answer.0 {
        Source::Primary => backup,
        Source::Backup => primary,
    };
    loser.abort();
    let _ = loser.await;
    answer
}
