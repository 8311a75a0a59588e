//! Wrong: normalises keys with `to_ascii_lowercase()` (redis command names are case-insensitive, keys are not), so `User:7` and `user:7` are one key and overwrite each other.
//! Caught by: get_returns_what_set_stored

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Get { key: String },
    Set { key: String, value: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Ok,
    Nil,
    Value(String),
}

pub const REPLY_TIME: Duration = Duration::from_millis(10);

pub async fn write_reply(reply: &Reply) {
    let _ = reply;
    tokio::time::sleep(REPLY_TIME).await;
}

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
            .lock()
            .unwrap()
            .get(&key.to_ascii_lowercase())
            .cloned()
    }
    pub fn set(&self, key: &str, value: &str) {
        self.shared
            .lock()
            .unwrap()
            .insert(key.to_ascii_lowercase(), value.to_string());
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = match command {
        Command::Get { key } => db.get(&key).map_or(Reply::Nil, Reply::Value),
        Command::Set { key, value } => {
            db.set(&key, &value);
            Reply::Ok
        }
    };
    write_reply(&reply).await;
    reply
}
