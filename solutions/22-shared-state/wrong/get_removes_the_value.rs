//! Wrong: `get` takes the value out of the map with `remove` (an owned String, no clone needed), so a key can be read only once.
//! Caught by: get_returns_what_set_stored

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
    inner: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        // WRONG: `get` gives a &String that cannot outlive the guard, so
        // this takes the String out instead. The key is gone afterwards.
        self.inner.lock().unwrap().remove(key)
    }

    pub fn set(&self, key: &str, value: &str) {
        self.inner
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.to_owned());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match command {
        Command::Get { key } => match db.get(&key) {
            Some(value) => Reply::Value(value),
            None => Reply::Nil,
        },
        Command::Set { key, value } => {
            db.set(&key, &value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
