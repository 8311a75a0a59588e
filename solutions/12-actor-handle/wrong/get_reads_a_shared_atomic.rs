//! Wrong: the actor mirrors its count into an Arc<AtomicU64> and get() reads it directly instead of asking the actor, so a get() sees a count the actor has not reached for the requests queued before it.
//! Caught by: requests_are_answered_in_the_order_they_arrive

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

#[allow(dead_code)]
enum Message {
    Incr {
        by: u64,
        reply: oneshot::Sender<u64>,
    },
    Get {
        reply: oneshot::Sender<u64>,
    },
}

async fn run_counter(mut mailbox: mpsc::Receiver<Message>, published: Arc<AtomicU64>) {
    let mut count = 0u64;
    while let Some(message) = mailbox.recv().await {
        match message {
            Message::Incr { by, reply } => {
                count += by;
                published.store(count, Ordering::SeqCst);
                let _ = reply.send(count);
            }
            Message::Get { reply } => {
                let _ = reply.send(count);
            }
        }
    }
}

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
    /// The actor publishes every new count here, so reads need no round trip.
    published: Arc<AtomicU64>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(32);
        let published = Arc::new(AtomicU64::new(0));
        tokio::spawn(run_counter(mailbox, Arc::clone(&published)));
        CounterHandle { sender, published }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Incr { by, reply })
            .await
            .expect("the counter actor is gone");
        response
            .await
            .expect("the counter actor dropped the request")
    }

    pub async fn get(&self) -> u64 {
        self.published.load(Ordering::SeqCst)
    }
}
