//! Wrong: the handle aborts the actor task in its Drop ("so the actor never leaks"), but every clone is a handle: dropping any one of them kills the actor for all the others.
//! Caught by: the_actor_stops_when_every_handle_is_dropped

use tokio::task::AbortHandle;

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

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
    actor: AbortHandle,
}

// The mistake: a clone's Drop runs too, long before the last handle is gone.
impl Drop for CounterHandle {
    fn drop(&mut self) {
        self.actor.abort();
    }
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(32);
        let actor = tokio::spawn(run_counter(mailbox)).abort_handle();
        CounterHandle { sender, actor }
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
