//! Wrong: wraps changed() in a one-second timeout "so it can never hang", and goes round again when it fires: the values and times are right, but the reader wakes up every second while nothing changes.
//! Caught by: apply_updates_sleeps_while_nothing_changes

use std::time::Duration;

use tokio::sync::watch;

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut applied = vec![*rx.borrow_and_update()];
    loop {
        // The mistake: a timer that fires for nothing, over and over.
        match tokio::time::timeout(Duration::from_secs(1), rx.changed()).await {
            Ok(Ok(())) => applied.push(*rx.borrow_and_update()),
            Ok(Err(_closed)) => return applied,
            Err(_quiet) => continue,
        }
    }
}
