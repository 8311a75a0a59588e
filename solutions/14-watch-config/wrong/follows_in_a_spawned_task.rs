//! Wrong: follows the channel in a task of its own and awaits its JoinHandle, so when the caller drops apply_updates' future, the task keeps following the channel, detached.
//! Caught by: dropping_apply_updates_leaves_nothing_behind

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    // The mistake: nothing stops this task when apply_updates is dropped.
    let follower = tokio::spawn(async move {
        let mut applied = vec![*rx.borrow_and_update()];
        while rx.changed().await.is_ok() {
            applied.push(*rx.borrow_and_update());
        }
        applied
    });
    follower.await.expect("the follower task panicked")
}
