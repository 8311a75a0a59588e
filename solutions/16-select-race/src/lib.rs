//! Kata 16: hedge a slow request with `select!` (reference solution).
//!
//! Two races, one after the other, on one task: the primary against a
//! timer, then (only if the timer won) the primary against the backup. The
//! loser of each race is dropped by `select!`, and dropping a future is how
//! async Rust cancels it.

use std::time::Duration;

use futures::future::BoxFuture;

/// Which request an answer came from. Given to you: do not change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Primary,
    Backup,
}

/// Runs `primary`; if it has not finished after `hedge_after`, calls
/// `backup()` and races the two. Returns the first answer and its source.
pub async fn hedged<T>(
    primary: BoxFuture<'static, T>,
    hedge_after: Duration,
    backup: impl FnOnce() -> BoxFuture<'static, T>,
) -> (Source, T) {
    // The primary must take part in both races, so the first race only
    // borrows it. `&mut F` is itself a future when `F: Unpin`, and a
    // `BoxFuture` is `Pin<Box<..>>`, which is `Unpin`. When the timer wins,
    // `select!` drops the `&mut` borrow, not the primary: the request goes
    // on exactly where it was.
    let mut primary = primary;

    // Race 1: is the primary fast enough on its own? `biased;` polls the
    // branches top to bottom, so a primary that is ready at the very instant
    // the timer fires is seen first and wins: no backup needed.
    tokio::select! {
        biased;
        output = &mut primary => return (Source::Primary, output),
        () = tokio::time::sleep(hedge_after) => {}
    }

    // The primary is late. Only now ask for the backup: calling `backup()`
    // is what sends the second request, so calling it before the timer
    // fired would double the load on every request, fast ones included.
    let backup = backup();

    // Race 2: primary (with its head start) against backup. Whichever
    // branch loses is dropped when `select!` returns, before we do: the
    // losing request is cancelled, its destructors run, nothing is left
    // running. Spawning the two instead would need an explicit `abort()` of
    // the loser, because dropping a `JoinHandle` only detaches its task.
    // The primary is listed first, so it wins a tie.
    tokio::select! {
        biased;
        output = primary => (Source::Primary, output),
        output = backup => (Source::Backup, output),
    }
}
