//! Wrong: the actor checks its mailbox with try_recv and sleeps a millisecond when it is empty, so it answers correctly but wakes up a thousand times a second while nothing happens.
//! Caught by: an_idle_actor_never_wakes_up

use std::time::Duration;

use tokio::sync::mpsc::error::TryRecvError;

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
    loop {
        // The mistake: a timer decides when to look, not the mailbox.
        let message = match mailbox.try_recv() {
            Ok(message) => message,
            Err(TryRecvError::Empty) => {
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
            Err(TryRecvError::Disconnected) => break,
        };
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
