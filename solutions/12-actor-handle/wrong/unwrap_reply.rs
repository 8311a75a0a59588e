//! Wrong: the actor unwraps reply.send(..), so the first caller that gives up waiting (its future dropped by a timeout) makes the actor panic, and every other caller loses it.
//! Caught by: a_caller_that_gives_up_does_not_break_the_actor

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
                // The mistake: nobody listening is not the actor's problem.
                reply.send(count).unwrap();
            }
            Message::Get { reply } => {
                reply.send(count).unwrap();
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
