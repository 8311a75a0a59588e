//! Wrong: the map is one global `static`, so every `Db::new()` is the same store: a value set in one Db shows up in another.
//! Caught by: two_dbs_do_not_share_data
//!
//! It passes every test that uses a single Db (clones "share" the map because
//! everything does), but a server with two Dbs (two tenants, or two tests)
//! mixes their data.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
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

// WRONG: one map for the whole program, not one per Db.
static STORE: LazyLock<Mutex<HashMap<String, String>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The shared key-value store.
#[derive(Clone, Default)]
pub struct Db;

impl Db {
    pub fn new() -> Db {
        Db
    }

    pub fn get(&self, key: &str) -> Option<String> {
        STORE.lock().unwrap().get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        STORE
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match command {
        Command::Get { key } => db.get(&key).map(Reply::Value).unwrap_or(Reply::Nil),
        Command::Set { key, value } => {
            db.set(&key, &value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
