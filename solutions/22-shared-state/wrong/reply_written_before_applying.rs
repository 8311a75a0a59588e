//! Wrong: `handle` writes the reply first and applies the command after it, so a SET is invisible during its reply (and lost if the client hangs up), and a GET answers with whatever the key holds 10ms later.
//! Caught by: the_command_takes_effect_before_the_reply_is_written

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
    match command {
        // WRONG: the reply is written before the Db is touched.
        Command::Get { key } => {
            write_reply(&Reply::Nil).await;
            match db.get(&key) {
                Some(value) => Reply::Value(value),
                None => Reply::Nil,
            }
        }
        Command::Set { key, value } => {
            write_reply(&Reply::Ok).await;
            db.set(&key, &value);
            Reply::Ok
        }
    }
}
