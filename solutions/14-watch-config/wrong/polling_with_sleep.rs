//! Wrong: polls the channel every 10ms with `sleep` and `has_changed()` instead of awaiting `changed()`, so every change (and the end of the channel) is noticed up to 10ms late: with everything already sent, it returns after 10ms instead of at once.
//! Caught by: updates_sent_before_the_reader_runs_collapse_into_the_latest

use std::time::Duration;

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    loop {
        // The mistake: a timer decides when to look, not the channel. It
        // wakes up for nothing while nothing changes, and reacts late when
        // something does.
        tokio::time::sleep(Duration::from_millis(10)).await;
        match rx.has_changed() {
            Ok(true) => applied.push(*rx.borrow_and_update()),
            Ok(false) => {}
            // `has_changed` reports a closed channel as `Err`, even if a
            // last unseen value is still in it.
            Err(_) => break,
        }
    }
    applied
}
