//! Wrong: waits for each change under a one-hour timeout and takes an hour without a change for the end of the config source.
//! Caught by: apply_updates_sleeps_while_nothing_changes

use std::time::Duration;

use tokio::sync::watch;

/// No reload for this long: the config source must be dead.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    while let Ok(Ok(())) = tokio::time::timeout(STALE_AFTER, rx.changed()).await {
        applied.push(*rx.borrow_and_update());
    }
    applied
}
