//! Right: a single biased select!: the primary against an async block that sleeps the hedge delay, then calls backup() and awaits it.

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
    let delayed_backup = async move {
        tokio::time::sleep(hedge_after).await;
        backup().await
    };
    // Polled top to bottom: the primary first, so it wins every tie, and
    // the backup is only called once the sleep inside its block is over.
    tokio::select! {
        biased;
        answer = primary => (Source::Primary, answer),
        answer = delayed_backup => (Source::Backup, answer),
    }
}
