//! Wrong: the handle posts with try_send and spins on yield_now while the mailbox is full, so waiting callers are polled again and again instead of sleeping until there is room.
//! Caught by: a_caller_waiting_for_room_in_the_mailbox_sleeps

use tokio::sync::mpsc::error::TrySendError;
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

async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    let mut count = 0u64;
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

    /// Hands `message` to the actor without ever parking on the channel.
    async fn post(&self, mut message: Message) {
        loop {
            match self.sender.try_send(message) {
                Ok(()) => return,
                Err(TrySendError::Full(back)) => {
                    message = back;
                    tokio::task::yield_now().await;
                }
                Err(TrySendError::Closed(_)) => panic!("the counter actor is gone"),
            }
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        self.post(Message::Incr { by, reply }).await;
        response
            .await
            .expect("the counter actor dropped the request")
    }

    pub async fn get(&self) -> u64 {
        let (reply, response) = oneshot::channel();
        self.post(Message::Get { reply }).await;
        response
            .await
            .expect("the counter actor dropped the request")
    }
}
