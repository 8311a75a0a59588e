//! Right: Alice Ryhl's layout: an Actor struct with a handle_message method, an unbounded mailbox, and a `loop { match receiver.recv().await { .. } }`.

use tokio::sync::{mpsc, oneshot};

enum ActorMessage {
    Add {
        amount: u64,
        respond_to: oneshot::Sender<u64>,
    },
    Read {
        respond_to: oneshot::Sender<u64>,
    },
}

struct CounterActor {
    receiver: mpsc::UnboundedReceiver<ActorMessage>,
    value: u64,
}

impl CounterActor {
    fn handle_message(&mut self, msg: ActorMessage) {
        match msg {
            ActorMessage::Add { amount, respond_to } => {
                self.value += amount;
                // The caller may have gone away; that is fine.
                let _ = respond_to.send(self.value);
            }
            ActorMessage::Read { respond_to } => {
                let _ = respond_to.send(self.value);
            }
        }
    }

    async fn run(mut self) {
        loop {
            match self.receiver.recv().await {
                Some(msg) => self.handle_message(msg),
                None => return,
            }
        }
    }
}

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::UnboundedSender<ActorMessage>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let actor = CounterActor { receiver, value: 0 };
        tokio::spawn(actor.run());
        Self { sender }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (send, recv) = oneshot::channel();
        let msg = ActorMessage::Add {
            amount: by,
            respond_to: send,
        };
        let _ = self.sender.send(msg);
        recv.await.expect("Actor task has been killed")
    }

    pub async fn get(&self) -> u64 {
        let (send, recv) = oneshot::channel();
        let _ = self.sender.send(ActorMessage::Read { respond_to: send });
        recv.await.expect("Actor task has been killed")
    }
}
