// A job that keeps an Rc alive across an `.await` is not Send, so it cannot
// be spawned: the task may be moved to another thread at any `.await`.
// Use an Arc instead.
use std::rc::Rc;
use std::time::Duration;

use tokio::task::JoinSet;

fn main() {
    let mut set = JoinSet::new();
    set.spawn(async {
        let attempts = Rc::new(1u32);
        tokio::time::sleep(Duration::from_millis(10)).await;
        *attempts
    });
}
