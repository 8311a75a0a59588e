//! Wrong: the Db uses a tokio::sync::Mutex and `handle` holds its guard while writing the reply; it compiles and is `Send`, but every handler waits for the one before it: 100 handlers take 1s instead of 10ms.
//! Caught by: concurrent_handlers_each_take_10ms

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

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
        self.shared
            .try_lock()
            .expect("the Db is locked by a handler")
            .get(key)
            .cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        self.shared
            .try_lock()
            .expect("the Db is locked by a handler")
            .insert(key.to_string(), value.to_string());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    // WRONG: an async lock may be held across `.await`, so the compiler
    // does not object; but the map stays locked for the whole 10ms reply.
    let mut map = db.shared.lock().await;
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
