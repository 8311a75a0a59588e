//! Wrong: the actor wakes up every 2 minutes for a "stats" tick (an interval in a select! with recv), so an idle actor is not idle: it answers correctly but the runtime is woken again and again while nothing happens.
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
    let mut handled = 0u64;
    // MISTAKE: a periodic "stats" tick wakes the idle actor every 2 minutes.
    let mut stats = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(120),
        std::time::Duration::from_secs(120),
    );
    loop {
        tokio::select! {
            msg = mailbox.recv() => {
                let Some(msg) = msg else { return };
                handled += 1;
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
            _ = stats.tick() => {
                let _ = handled;
            }
        }
    }
}
