//! # Kata 12: an actor and its handle (reference solution)
//!
//! The count is owned by one task, the actor, and no other code can touch
//! it: there is nothing to lock, and messages are applied one at a time in
//! the order they arrive. The rest of the program holds `CounterHandle`s,
//! which only hold the sending end of the actor's mailbox. This is the
//! pattern from Alice Ryhl's "Actors with Tokio".

use tokio::sync::{mpsc, oneshot};

/// What a handle can ask the actor. Each request carries the sending half
/// of a oneshot channel: the actor answers on it.
enum Message {
    /// Add `by` to the count, and reply with the new count.
    Incr {
        by: u64,
        reply: oneshot::Sender<u64>,
    },
    /// Reply with the current count.
    Get { reply: oneshot::Sender<u64> },
}

/// The actor's loop: owns the count (starting at 0), answers every message
/// from `mailbox` in the order they arrive, and returns when `recv()`
/// returns `None` (every handle is gone).
async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    // A plain u64: it never leaves this task, so it needs no Arc, no Mutex,
    // no atomics. One message at a time, so an increment can never
    // interleave with another.
    let mut count: u64 = 0;

    // `recv()` returns `None` once every Sender is dropped, and the only
    // Senders live in CounterHandles: when the last handle is dropped, the
    // loop ends and so does the task. That is why the actor must not keep a
    // Sender to its own mailbox: it would wait for itself forever.
    while let Some(message) = mailbox.recv().await {
        match message {
            Message::Incr { by, reply } => {
                count += by;
                // The caller may have given up waiting (its future was
                // dropped, e.g. by a timeout): then there is nobody to tell,
                // and that is fine. The increment still happened.
                let _ = reply.send(count);
            }
            Message::Get { reply } => {
                let _ = reply.send(count);
            }
        }
    }
}

/// A handle to a counter actor: clone it freely, send it to other tasks.
///
/// Its only field is an `mpsc::Sender`, which is `Clone`, `Send`, `Sync`
/// and `'static` (the messages are `Send`), so the handle is too.
#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
}

// No `Default`, on purpose: `new` spawns a task, which should be explicit
// (and needs a tokio runtime).
#[allow(clippy::new_without_default)]
impl CounterHandle {
    /// Creates the mailbox, spawns the actor task with its receiving end,
    /// and returns a handle holding the sending end.
    pub fn new() -> CounterHandle {
        // Bounded: if callers send faster than the actor answers, `send`
        // waits for room instead of queueing without limit.
        let (sender, mailbox) = mpsc::channel(32);
        // The JoinHandle is not kept. Dropping it detaches the task, which
        // is right here: the actor does not run forever, it ends by itself
        // when the last CounterHandle (its last Sender) is dropped. Its
        // lifetime is tied to the handles, not to this call.
        tokio::spawn(run_counter(mailbox));
        CounterHandle { sender }
    }

    /// Adds `by` to the count and returns the count after the addition.
    pub async fn incr(&self, by: u64) -> u64 {
        let (reply, response) = oneshot::channel();
        self.ask(Message::Incr { by, reply }, response).await
    }

    /// Returns the current count.
    pub async fn get(&self) -> u64 {
        let (reply, response) = oneshot::channel();
        self.ask(Message::Get { reply }, response).await
    }

    /// Sends `message` to the actor and waits for its answer on `response`.
    async fn ask(&self, message: Message, response: oneshot::Receiver<u64>) -> u64 {
        // Both can only fail if the actor task is gone, and while a handle
        // exists the actor only stops if it panicked: a bug, so panic too.
        self.sender
            .send(message)
            .await
            .expect("the counter actor has stopped");
        response
            .await
            .expect("the counter actor dropped the request without answering")
    }
}
