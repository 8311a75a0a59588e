//! Wrong: starts by waiting for a change, so the value the channel holds when apply_updates starts is never applied (unless it happens to be unseen).
//! Caught by: the_reader_follows_changes_as_they_happen

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = Vec::new();
    // The mistake: the starting config is a config too.
    while rx.changed().await.is_ok() {
        applied.push(*rx.borrow_and_update());
    }
    applied
}
