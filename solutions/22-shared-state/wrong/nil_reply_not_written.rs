//! Wrong: `handle` returns `Nil` straight away for a key that holds nothing, without writing that reply: only replies with a value or `Ok` are written.
//! Caught by: handle_applies_the_command_and_replies

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
    let reply = match command {
        Command::Get { key } => match db.get(&key) {
            Some(value) => Reply::Value(value),
            // WRONG: nothing to send back... but the client waits for Nil.
            None => return Reply::Nil,
        },
        Command::Set { key, value } => {
            db.set(&key, &value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
