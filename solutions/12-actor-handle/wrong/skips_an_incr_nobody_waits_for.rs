//! Wrong: the actor skips an Incr whose caller has already given up (reply.is_closed()), so an increment that was sent is lost.
//! Caught by: a_caller_that_gives_up_does_not_break_the_actor

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
                if reply.is_closed() {
                    // Nobody is waiting for this answer any more.
                    continue;
                }
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
