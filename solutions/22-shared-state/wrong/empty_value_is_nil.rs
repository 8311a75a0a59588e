//! Wrong: handle answers Nil for a key that holds the empty string, as if "" meant deleted.
//! Caught by: handle_applies_the_command_and_replies

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

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The shared key-value store. Cloning a `Db` gives another handle to the
/// same data.
#[derive(Clone, Default)]
pub struct Db {
    shared: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    /// An empty store.
    pub fn new() -> Db {
        Db::default()
    }

    /// The value stored under `key`, if any (a copy: the caller owns it).
    pub fn get(&self, key: &str) -> Option<String> {
        self.shared.lock().unwrap().get(key).cloned()
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        self.shared
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

/// Handles one command from a client: applies it to `db`, writes the reply
/// with [`write_reply`], and returns the reply it wrote.
pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match command {
        // An empty value is as good as no value (that is how clients
        // "delete" a key).
        Command::Get { key } => match db.get(&key) {
            Some(value) if !value.is_empty() => Reply::Value(value),
            _ => Reply::Nil,
        },
        Command::Set { key, value } => {
            db.set(&key, &value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
