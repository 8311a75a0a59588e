//! Wrong: the handle posts with try_send into a roomy mailbox (1024 slots) so that "sending never blocks the caller", and panics when the mailbox is full. No ordinary test has that many requests waiting at once, but thousands of callers at one instant overflow any mailbox a try_send relies on.
//! Caught by: thousands_of_callers_at_one_instant_all_land

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

async fn serve(mut mailbox: mpsc::Receiver<Message>) {
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
        // "Big enough that it never fills up."
        let (sender, mailbox) = mpsc::channel(1024);
        tokio::spawn(serve(mailbox));
        CounterHandle { sender }
    }

    fn post(&self, message: Message) {
        // The mistake: no waiting for room.
        if self.sender.try_send(message).is_err() {
            panic!("the counter's mailbox is full");
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, answer) = oneshot::channel();
        self.post(Message::Incr { by, reply });
        answer.await.expect("the counter actor is gone")
    }

    pub async fn get(&self) -> u64 {
        let (reply, answer) = oneshot::channel();
        self.post(Message::Get { reply });
        answer.await.expect("the counter actor is gone")
    }
}
