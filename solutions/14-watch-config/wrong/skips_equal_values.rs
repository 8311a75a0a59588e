//! Wrong: skips a new version whose value equals the last one applied ("nothing changed"), but every send is a change that must be applied.
//! Caught by: the_same_value_sent_again_is_applied_again

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    while rx.changed().await.is_ok() {
        let config = *rx.borrow_and_update();
        // The mistake: comparing values instead of trusting the version.
        if applied.last() != Some(&config) {
            applied.push(config);
        }
    }
    applied
}
