//! Wrong: reads the starting value with `borrow()`, which does not mark it seen, so `changed()` reports the same version again and it is applied twice: `[3, 3]` instead of `[3]`.
//! Caught by: updates_sent_before_the_reader_runs_collapse_into_the_latest

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    // The mistake: `borrow()` reads without updating the receiver's "seen"
    // version. If the value was sent after this Receiver was created, the
    // first `changed()` returns at once, for the version we already applied.
    let mut applied = vec![*rx.borrow()];
    while rx.changed().await.is_ok() {
        applied.push(*rx.borrow_and_update());
    }
    applied
}
