//! Right: the actor keeps a WeakSender to its own mailbox (which does not keep it open), the handle's methods go through one generic `call` helper taking a closure that builds the message, and the count is a field of a state struct updated by a method.

use tokio::sync::{mpsc, oneshot};

enum Msg {
    Incr(u64, oneshot::Sender<u64>),
    Get(oneshot::Sender<u64>),
}

struct State {
    count: u64,
    // Only to show that a weak sender does not keep the actor alive.
    _me: mpsc::WeakSender<Msg>,
}

impl State {
    fn apply(&mut self, msg: Msg) {
        let (reply, value) = match msg {
            Msg::Incr(by, reply) => {
                self.count = self.count.checked_add(by).expect("counter overflow");
                (reply, self.count)
            }
            Msg::Get(reply) => (reply, self.count),
        };
        drop(reply.send(value));
    }
}

#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Msg>,
}

#[allow(clippy::new_without_default)]
impl CounterHandle {
    pub fn new() -> CounterHandle {
        let (sender, mut mailbox) = mpsc::channel(64);
        let mut state = State {
            count: 0,
            _me: sender.downgrade(),
        };
        tokio::spawn(async move {
            while let Some(msg) = mailbox.recv().await {
                state.apply(msg);
            }
        });
        CounterHandle { sender }
    }

    async fn call(&self, make: impl FnOnce(oneshot::Sender<u64>) -> Msg) -> u64 {
        let (tx, rx) = oneshot::channel();
        self.sender
            .send(make(tx))
            .await
            .unwrap_or_else(|_| panic!("counter actor stopped"));
        rx.await
            .unwrap_or_else(|_| panic!("counter actor dropped the reply"))
    }

    pub async fn incr(&self, by: u64) -> u64 {
        self.call(|reply| Msg::Incr(by, reply)).await
    }

    pub async fn get(&self) -> u64 {
        self.call(Msg::Get).await
    }
}
