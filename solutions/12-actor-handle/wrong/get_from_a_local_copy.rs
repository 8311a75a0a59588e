//! Wrong: each handle remembers the last count it was told and get() returns that copy without asking the actor (to save a round trip), so a clone does not see increments made through another clone.
//! Caught by: clones_share_one_counter

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

async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    let mut count = 0;
    while let Some(message) = mailbox.recv().await {
        match message {
            Message::Incr { by, reply } => {
                count += by;
                let _ = reply.send(count);
            }
            Message::Get { reply } => {
                let _ = reply.send(count);
            }
        }
    }
}

pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
    // The mistake: a copy of the state, outside the actor.
    last_seen: AtomicU64,
}

impl Clone for CounterHandle {
    fn clone(&self) -> Self {
        CounterHandle {
            sender: self.sender.clone(),
            last_seen: AtomicU64::new(self.last_seen.load(Ordering::SeqCst)),
        }
    }
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(32);
        tokio::spawn(run_counter(mailbox));
        CounterHandle {
            sender,
            last_seen: AtomicU64::new(0),
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Incr { by, reply })
            .await
            .expect("the actor is gone");
        let now = response.await.expect("the actor did not answer");
        self.last_seen.store(now, Ordering::SeqCst);
        now
    }

    pub async fn get(&self) -> u64 {
        // Message::Get is never needed: "we already know".
        let _unused = Message::Get {
            reply: oneshot::channel().0,
        };
        self.last_seen.load(Ordering::SeqCst)
    }
}
