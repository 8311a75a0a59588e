//! # Kata 12: an actor and its handle
//!
//! Build a counter as an *actor*: one task owns the count and is the only
//! code that ever touches it. Everyone else holds a `CounterHandle`, a cheap
//! clonable value that sends the actor messages over an mpsc channel; the
//! actor answers each one over a oneshot channel. When the last handle is
//! dropped, the actor's mailbox closes and the actor task ends.
//!
//! The message type and the handle's field are given; fill in the
//! `todo!()`s. README.md explains the pattern step by step.

use tokio::sync::{mpsc, oneshot};

/// What a handle can ask the actor. Each request carries the sending half
/// of a oneshot channel: the actor answers on it.
// (`dead_code` is allowed only until your code builds these messages.)
#[allow(dead_code)]
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
async fn run_counter(mailbox: mpsc::Receiver<Message>) {
    let _ = mailbox;
    todo!("receive messages until None, keep the count, reply on each message's oneshot")
}

/// A handle to a counter actor: clone it freely, send it to other tasks.
#[derive(Clone)]
pub struct CounterHandle {
    sender: mpsc::Sender<Message>,
}

// No `Default`, on purpose: `new` spawns a task, which should be explicit
// (and needs a tokio runtime).
#[allow(clippy::new_without_default)]
impl CounterHandle {
    /// Creates the mailbox, spawns the actor task (`run_counter`) with its
    /// receiving end, and returns a handle holding the sending end.
    pub fn new() -> CounterHandle {
        let _ = run_counter;
        todo!("make an mpsc channel, spawn run_counter with the Receiver, keep the Sender")
    }

    /// Adds `by` to the count and returns the count after the addition.
    pub async fn incr(&self, by: u64) -> u64 {
        // Make a oneshot channel, send Message::Incr with its Sender to the
        // actor, then await its Receiver for the answer.
        let _ = (&self.sender, by);
        todo!("send Message::Incr to the actor and await its reply")
    }

    /// Returns the current count.
    pub async fn get(&self) -> u64 {
        let _ = &self.sender;
        todo!("send Message::Get to the actor and await its reply")
    }
}
