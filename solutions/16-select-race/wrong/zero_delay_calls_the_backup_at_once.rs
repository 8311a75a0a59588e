//! Wrong: with a zero hedge delay it skips the first race and calls backup() at once, although a primary that is ready at once wins without one.
//! Caught by: a_zero_hedge_delay_still_gives_the_primary_its_chance

use std::time::Duration;

use futures::future::BoxFuture;

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
    if !hedge_after.is_zero() {
        tokio::select! {
            biased;
            answer = &mut primary => return (Source::Primary, answer),
            () = tokio::time::sleep(hedge_after) => {}
        }
    }
    // Too slow (or no head start at all): ask the backup too.
    let backup = backup();
    tokio::select! {
        biased;
        answer = primary => (Source::Primary, answer),
        answer = backup => (Source::Backup, answer),
    }
}
