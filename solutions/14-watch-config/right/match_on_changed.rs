//! Right: a `current` variable, a helper that reads and marks seen, and an explicit match on the Result of changed().

use tokio::sync::watch::{self, Receiver};

fn take_latest(rx: &mut Receiver<u32>) -> u32 {
    let seen = rx.borrow_and_update();
    *seen
}

pub async fn apply_updates(mut rx: watch::Receiver<u32>) -> Vec<u32> {
    let mut current = take_latest(&mut rx);
    let mut history = vec![current];
    loop {
        match rx.changed().await {
            Ok(()) => {
                current = take_latest(&mut rx);
                history.push(current);
            }
            Err(_sender_gone) => return history,
        }
    }
}
