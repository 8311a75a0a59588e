//! Right: a small Follower struct owning the receiver and the applied list, with an apply method and an async run that loops on a boolean.

use tokio::sync::watch;

struct Follower {
    rx: watch::Receiver<u32>,
    applied: Vec<u32>,
}

impl Follower {
    fn apply_latest(&mut self) {
        let latest = *self.rx.borrow_and_update();
        self.applied.push(latest);
    }

    async fn run(mut self) -> Vec<u32> {
        let mut open = true;
        while open {
            self.apply_latest();
            open = self.rx.changed().await.is_ok();
        }
        self.applied
    }
}

pub async fn apply_updates(rx: watch::Receiver<u32>) -> Vec<u32> {
    Follower {
        rx,
        applied: Vec::new(),
    }
    .run()
    .await
}
