//! Right: a tuple struct around the Arc, `Default` written by hand, and handle split into two helper methods on the Db, with the reply returned from a clone after the write.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
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
#[derive(Clone)]
pub struct Db(Arc<Mutex<HashMap<String, String>>>);

impl Default for Db {
    fn default() -> Db {
        Db(Arc::new(Mutex::new(HashMap::with_capacity(16))))
    }
}

impl Db {
    pub fn new() -> Db {
        Default::default()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let guard = self.0.lock().unwrap();
        let found = guard.get(key);
        found.cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        let mut guard = self.0.lock().unwrap();
        guard.insert(key.to_string(), value.to_string());
    }

    fn reply_to_get(&self, key: &str) -> Reply {
        self.get(key).map(Reply::Value).unwrap_or(Reply::Nil)
    }

    fn reply_to_set(&self, key: &str, value: &str) -> Reply {
        self.set(key, value);
        Reply::Ok
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match &command {
        Command::Get { key } => db.reply_to_get(key),
        Command::Set { key, value } => db.reply_to_set(key, value),
    };
    let sent = reply.clone();
    write_reply(&sent).await;
    sent
}
