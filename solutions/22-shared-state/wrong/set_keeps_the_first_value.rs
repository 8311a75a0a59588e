//! Wrong: `set` uses `entry(key).or_insert(value)`, which only inserts when the key is missing, so a second set of the same key keeps the old value.
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
    map: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    pub fn new() -> Db {
        Db {
            map: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let map = self.map.lock().unwrap();
        map.get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        let mut map = self.map.lock().unwrap();
        // WRONG: or_insert leaves an existing value alone.
        map.entry(key.to_string()).or_insert(value.to_string());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match command {
        Command::Get { key } => match db.get(&key) {
            Some(v) => Reply::Value(v),
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
