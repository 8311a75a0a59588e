//! Right: one loop that applies first and waits second, breaking when changed() fails; the value is cloned out of the borrow.

use tokio::sync::watch;

pub async fn apply_updates(rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut rx = rx;
    let mut applied = Vec::new();
    loop {
        let config = rx.borrow_and_update().clone();
        applied.push(config);
        if rx.changed().await.is_err() {
            break;
        }
    }
    applied
}
