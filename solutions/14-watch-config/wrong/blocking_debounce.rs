//! Wrong: after each change it "debounces" with std::thread::sleep(1ms) before reading: invisible on the paused clock, but it blocks the runtime thread on every update.
//! Caught by: the_reader_follows_changes_as_they_happen

use std::time::Duration;

use tokio::sync::watch;

/// Give a burst of reloads a moment to settle before applying one.
const DEBOUNCE: Duration = Duration::from_millis(1);

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    while rx.changed().await.is_ok() {
        std::thread::sleep(DEBOUNCE);
        applied.push(*rx.borrow_and_update());
    }
    applied
}
