//! Wrong: asks has_changed() before waiting; it returns Err as soon as the Sender is gone, even while an unseen last value is still there, so a value sent just before the drop is lost.
//! Caught by: a_value_sent_as_the_sender_is_dropped_is_applied

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    loop {
        // The mistake: Err here means "no Sender", not "nothing left".
        match rx.has_changed() {
            Ok(true) => applied.push(*rx.borrow_and_update()),
            Ok(false) => {
                if rx.changed().await.is_err() {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    applied
}
