//! Wrong: polls the primary (and then the backup) with now_or_never every millisecond, counting the time to the hedge itself: the right answers at the right instants, but it never rests while it waits.
//! Caught by: hedged_waits_without_waking_up

use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt;

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
    let start = tokio::time::Instant::now();
    let mut primary = primary;
    let mut backup = Some(backup);
    let mut sent: Option<BoxFuture<'static, T>> = None;
    loop {
        if let Some(output) = (&mut primary).now_or_never() {
            return (Source::Primary, output);
        }
        if let Some(request) = sent.as_mut() {
            if let Some(output) = request.now_or_never() {
                return (Source::Backup, output);
            }
        } else if start.elapsed() >= hedge_after {
            if let Some(backup) = backup.take() {
                sent = Some(backup());
                continue;
            }
        }
        // The mistake: a tick every millisecond instead of awaiting the
        // requests and one timer.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
