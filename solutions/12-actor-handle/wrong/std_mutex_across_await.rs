//! Wrong: the handle serialises its own requests with a std::sync::Mutex whose guard is held across the .await on the reply, so the futures of incr and get are not Send and no spawned task can await them.
//! Caught by: incr_and_get_can_be_awaited_in_a_spawned_task

use std::sync::{Arc, Mutex};

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
    // "One request at a time per handle, so replies cannot get mixed up."
    one_at_a_time: Arc<Mutex<()>>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mailbox) = mpsc::channel(32);
        tokio::spawn(run_counter(mailbox));
        CounterHandle {
            sender,
            one_at_a_time: Arc::default(),
        }
    }

    pub async fn incr(&self, by: u64) -> u64 {
        // The mistake: a std guard kept across .await makes the future !Send.
        let _turn = self.one_at_a_time.lock().unwrap();
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Incr { by, reply })
            .await
            .expect("the actor is gone");
        response.await.expect("the actor did not answer")
    }

    pub async fn get(&self) -> u64 {
        let _turn = self.one_at_a_time.lock().unwrap();
        let (reply, response) = oneshot::channel();
        self.sender
            .send(Message::Get { reply })
            .await
            .expect("the actor is gone");
        response.await.expect("the actor did not answer")
    }
}
