//! Right: the actor is an async block spawned inline in new(), with a mailbox of one slot; get() is written as a request for an increment of zero, and replies are matched with if-let.

use tokio::sync::{mpsc, oneshot};

type Request = (u64, oneshot::Sender<u64>);

#[derive(Clone)]
pub struct CounterHandle {
    requests: mpsc::Sender<Request>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (requests, mut inbox) = mpsc::channel::<Request>(1);
        tokio::spawn(async move {
            let mut total = 0u64;
            while let Some((add, answer)) = inbox.recv().await {
                total += add;
                answer.send(total).ok();
            }
        });
        CounterHandle { requests }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (answer, answered) = oneshot::channel();
        if self.requests.send((by, answer)).await.is_err() {
            panic!("the counter is gone");
        }
        if let Ok(total) = answered.await {
            total
        } else {
            panic!("the counter did not answer")
        }
    }

    pub async fn get(&self) -> u64 {
        // Adding nothing reads the count, in the same order as everything else.
        self.incr(0).await
    }
}
