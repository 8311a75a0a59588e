//! Wrong: the actor drains its mailbox in batches (recv_many) and applies every Incr of a batch before answering its Gets, so a Get queued before an Incr already sees it.
//! Caught by: requests_are_answered_in_the_order_they_arrive

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

const BATCH: usize = 64;

async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    let mut count = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    while mailbox.recv_many(&mut batch, BATCH).await > 0 {
        // Writes first, then every read of the batch sees the freshest count.
        let (writes, reads): (Vec<Message>, Vec<Message>) = batch
            .drain(..)
            .partition(|message| matches!(message, Message::Incr { .. }));
        for message in writes.into_iter().chain(reads) {
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
}

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(BATCH);
        tokio::spawn(run_counter(mailbox));
        CounterHandle { sender }
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
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Get { reply })
            .await
            .expect("the counter actor is gone");
        response
            .await
            .expect("the counter actor dropped the request")
    }
}
