//! Wrong: the actor keeps a Sender to its own mailbox (to send itself messages later), so recv() never returns None and the actor task never stops, even after every handle is dropped.
//! Caught by: the_actor_stops_when_every_handle_is_dropped

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

struct Counter {
    mailbox: mpsc::Receiver<Message>,
    // The mistake: as long as this Sender lives, the mailbox is open, and
    // it lives as long as the actor, which waits for the mailbox to close.
    #[allow(dead_code)]
    myself: mpsc::Sender<Message>,
    count: u64,
}

async fn run_counter(mut actor: Counter) {
    while let Some(message) = actor.mailbox.recv().await {
        match message {
            Message::Incr { by, reply } => {
                actor.count += by;
                let _ = reply.send(actor.count);
            }
            Message::Get { reply } => {
                let _ = reply.send(actor.count);
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
        let actor = Counter {
            mailbox,
            myself: sender.clone(),
            count: 0,
        };
        tokio::spawn(run_counter(actor));
        CounterHandle { sender }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        let _ = self.sender.send(Message::Incr { by, reply }).await;
        response.await.expect("the actor is gone")
    }

    pub async fn get(&self) -> u64 {
        let (reply, response) = oneshot::channel();
        let _ = self.sender.send(Message::Get { reply }).await;
        response.await.expect("the actor is gone")
    }
}
