//! Right: a std::sync::RwLock instead of a Mutex (reads share the lock), `if let` instead of `match` in handle, and the reply built in a helper function.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
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

type Map = HashMap<String, String>;

/// The shared key-value store.
#[derive(Clone, Default)]
pub struct Db {
    map: Arc<RwLock<Map>>,
}

impl Db {
    pub fn new() -> Db {
        Db {
            map: Arc::new(RwLock::new(Map::new())),
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let map = self.map.read().expect("a writer panicked");
        map.get(key).map(|value| value.to_owned())
    }

    pub fn set(&self, key: &str, value: &str) {
        let mut map = self.map.write().expect("a writer panicked");
        map.insert(key.to_owned(), value.to_owned());
    }
}

fn apply(db: &Db, command: Command) -> Reply {
    if let Command::Set { key, value } = command {
        db.set(&key, &value);
        return Reply::Ok;
    }
    if let Command::Get { key } = command {
        if let Some(value) = db.get(&key) {
            return Reply::Value(value);
        }
    }
    Reply::Nil
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = apply(db, command);
    write_reply(&reply).await;
    reply
}
