//! Wrong: reads with borrow() after changed() instead of borrow_and_update(): a version sent in between is read now and reported again by the next changed(), so it is applied twice.
//! Caught by: short_bursts_from_another_thread_are_each_applied_once_and_the_last_never_lost

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    // changed() already marks the new value as seen: a plain borrow is enough.
    while rx.changed().await.is_ok() {
        applied.push(*rx.borrow());
    }
    applied
}
