//! Wrong: tries not to miss any value by checking `has_changed()` in a tight loop with `yield_now()`; it never registers with the channel, so a send does not wake it (it only finds changes by spinning, and values overwritten before it looks are lost anyway).
//! Caught by: a_send_wakes_the_waiting_reader, the_reader_follows_changes_as_they_happen

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    loop {
        match rx.has_changed() {
            Ok(true) => applied.push(*rx.borrow_and_update()),
            // The mistake: "look again as often as possible, so that every
            // value is seen". A watch channel cannot be read fast enough to
            // see every value, and this loop keeps the thread busy: on a
            // paused clock, time never even advances to the next send.
            Ok(false) => tokio::task::yield_now().await,
            Err(_) => break,
        }
    }
    applied
}
