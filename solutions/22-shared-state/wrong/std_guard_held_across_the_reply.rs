//! Wrong: `handle` locks the Db's std::sync::Mutex itself and keeps the guard alive while it writes the reply, so its future is not `Send` and cannot be spawned (and, run on one thread, a second handler would deadlock it).
//! Caught by: spawnable
//!
//! `tests/spawnable.rs` (and `tests/grading.rs`) give `handle`'s future to
//! `tokio::spawn`, which requires `Send`: they fail to compile, and rustc
//! points at the guard and at the `.await` it is held across.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request from a client, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `GET key`: the value stored under `key`.
    Get { key: String },
    /// `SET key value`: store `value` under `key`.
    Set { key: String, value: String },
}

/// The reply sent back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The answer to a `SET`.
    Ok,
    /// The answer to a `GET` of a key that holds nothing.
    Nil,
    /// The answer to a `GET` of a key that holds a value.
    Value(String),
}

/// How long writing a reply to the client takes.
pub const REPLY_TIME: Duration = Duration::from_millis(10);

/// Writes `reply` back to the client. Given: it stands for a network write,
/// and takes `REPLY_TIME`.
pub async fn write_reply(reply: &Reply) {
    let _ = reply;
    tokio::time::sleep(REPLY_TIME).await;
}

/// The shared key-value store.
#[derive(Clone, Default)]
pub struct Db {
    shared: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.shared.lock().unwrap().get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        self.shared
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    // WRONG: `map` (a std MutexGuard) is alive until the end of the
    // function, across the `.await` of `write_reply`.
    let mut map = db.shared.lock().unwrap();
    let reply = match command {
        Command::Get { key } => match map.get(&key) {
            Some(value) => Reply::Value(value.clone()),
            None => Reply::Nil,
        },
        Command::Set { key, value } => {
            map.insert(key, value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
