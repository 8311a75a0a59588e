//! Wrong: the actor keeps the count in a static instead of owning it, so every counter ever created shares one count: a second CounterHandle::new() does not start at 0.
//! Caught by: two_counters_are_independent

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

enum Message {
    Incr {
        by: u64,
        reply: oneshot::Sender<u64>,
    },
    Get {
        reply: oneshot::Sender<u64>,
    },
}

/// The mistake: one count for the whole program.
static COUNT: AtomicU64 = AtomicU64::new(0);

async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    while let Some(message) = mailbox.recv().await {
        match message {
            Message::Incr { by, reply } => {
                let now = COUNT.fetch_add(by, Ordering::SeqCst) + by;
                let _ = reply.send(now);
            }
            Message::Get { reply } => {
                let _ = reply.send(COUNT.load(Ordering::SeqCst));
            }
        }
    }
}

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(32);
        tokio::spawn(run_counter(mailbox));
        CounterHandle { sender }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Incr { by, reply })
            .await
            .expect("the actor is gone");
        response.await.expect("the actor did not answer")
    }

    pub async fn get(&self) -> u64 {
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Get { reply })
            .await
            .expect("the actor is gone");
        response.await.expect("the actor did not answer")
    }
}
