//! Right: the map is sharded, as the tokio tutorial suggests: several std mutexes in one Arc'd slice, the shard chosen by hashing the key.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
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

const SHARDS: usize = 8;

/// The shared key-value store, in `SHARDS` independently locked parts.
#[derive(Clone)]
pub struct Db {
    shards: Arc<[Mutex<HashMap<String, String>>]>,
}

impl Default for Db {
    fn default() -> Self {
        Self::new()
    }
}

impl Db {
    pub fn new() -> Db {
        let shards: Vec<_> = (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect();
        Db {
            shards: shards.into(),
        }
    }

    fn shard(&self, key: &str) -> &Mutex<HashMap<String, String>> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        &self.shards[hasher.finish() as usize % self.shards.len()]
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.shard(key).lock().unwrap().get(key).cloned()
    }

    pub fn set(&self, key: &str, value: &str) {
        self.shard(key)
            .lock()
            .unwrap()
            .insert(String::from(key), String::from(value));
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
