//! Wrong: when the channel closes, applies the current value once more "to be sure the final config is in place", so the last value is applied twice.
//! Caught by: a_sender_dropped_without_sending_ends_the_reader

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    loop {
        if rx.changed().await.is_err() {
            // The mistake: this version was applied already.
            applied.push(*rx.borrow());
            return applied;
        }
        applied.push(*rx.borrow_and_update());
    }
}
