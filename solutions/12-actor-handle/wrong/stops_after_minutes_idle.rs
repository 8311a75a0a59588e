//! Wrong: the actor stops after 5 minutes without a message (a timeout around recv()), so a handle that stays quiet longer than that finds the actor gone.
//! Caught by: an_idle_actor_never_wakes_up

use tokio::sync::{mpsc, oneshot};

enum Message {
    Incr { by: u64, reply: oneshot::Sender<u64> },
    Get { reply: oneshot::Sender<u64> },
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
        let (reply, rx) = oneshot::channel();
        self.sender.send(Message::Incr { by, reply }).await.expect("actor gone");
        rx.await.expect("actor dropped the reply")
    }

    pub async fn get(&self) -> u64 {
        let (reply, rx) = oneshot::channel();
        self.sender.send(Message::Get { reply }).await.expect("actor gone");
        rx.await.expect("actor dropped the reply")
    }
}
async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    let mut count = 0u64;
    loop {
        // MISTAKE: an actor idle for 5 minutes shuts itself down.
        let msg = match tokio::time::timeout(std::time::Duration::from_secs(300), mailbox.recv()).await {
            Ok(Some(msg)) => msg,
            Ok(None) | Err(_) => return,
        };
        match msg {
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
