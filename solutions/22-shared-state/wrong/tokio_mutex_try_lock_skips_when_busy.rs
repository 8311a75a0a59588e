//! Wrong: the Db uses a tokio::sync::Mutex, and since `get` and `set` are not async they use `try_lock`, doing nothing when another thread holds the lock: writes are lost and reads return None under contention.
//! Caught by: many_threads_use_one_db_at_once
//!
//! On one thread the lock is never busy (nothing awaits while holding it),
//! so every single-threaded test passes; tasks on a multi-thread runtime
//! meet in the lock all the time.

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
        // WRONG: a busy lock is not a missing key.
        let map = self.shared.try_lock().ok()?;
        map.get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        // WRONG: a busy lock silently drops the write.
        if let Ok(mut map) = self.shared.try_lock() {
            map.insert(key.to_string(), value.to_string());
        }
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
