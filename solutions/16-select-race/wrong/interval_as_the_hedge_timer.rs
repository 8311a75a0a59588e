//! Wrong: uses tokio::time::interval(hedge_after) as the hedge timer, which panics on a zero period.
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
    let mut hedge_timer = tokio::time::interval(hedge_after);
    hedge_timer.tick().await; // the first tick of an interval is immediate
    tokio::select! {
        biased;
        answer = &mut primary => return (Source::Primary, answer),
        _ = hedge_timer.tick() => {}
    }
    let backup = backup();
    tokio::select! {
        biased;
        answer = primary => (Source::Primary, answer),
        answer = backup => (Source::Backup, answer),
    }
}
