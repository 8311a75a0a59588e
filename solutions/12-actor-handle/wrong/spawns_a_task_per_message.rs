//! Wrong: the actor hands each message to a task of its own ("so a slow request never holds up the mailbox"), sharing the count through an AtomicU64. No update is lost, but the spawned tasks do not run in the order they were spawned, so a get() can be answered before the incr() sent ahead of it.
//! Caught by: requests_are_answered_in_the_order_they_arrive_on_a_multi_thread_runtime

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// The actor's loop: takes every message from `mailbox` and spawns a task
/// to answer it, until `recv()` returns `None` (every handle is gone).
async fn run_counter(mut mailbox: mpsc::Receiver<Message>) {
    // Serve each request in its own task so a slow request never holds up
    // the mailbox; the count is shared between them.
    let count = Arc::new(AtomicU64::new(0));
    while let Some(message) = mailbox.recv().await {
        let count = count.clone();
        tokio::spawn(async move {
            match message {
                Message::Incr { by, reply } => {
                    let new = count.fetch_add(by, Ordering::SeqCst) + by;
                    let _ = reply.send(new);
                }
                Message::Get { reply } => {
                    let _ = reply.send(count.load(Ordering::SeqCst));
                }
            }
        });
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
