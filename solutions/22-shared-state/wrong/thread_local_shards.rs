//! Wrong: set writes into the calling thread's shard and get looks in its own shard first, so a thread keeps reading its own stale value after another thread set the key again.
//! Caught by: a_value_set_on_one_thread_is_read_on_every_other

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

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SHARDS: usize = 8;

/// The shard of the calling thread: threads mostly touch their own.
fn my_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|shard| *shard)
}

/// The shared key-value store. Cloning a `Db` gives another handle to the
/// same data.
#[derive(Clone, Default)]
pub struct Db {
    shards: Arc<[Mutex<HashMap<String, String>>; SHARDS]>,
}

impl Db {
    /// An empty store.
    pub fn new() -> Db {
        Db::default()
    }

    /// The value stored under `key`, if any (a copy: the caller owns it).
    pub fn get(&self, key: &str) -> Option<String> {
        let mine = my_shard();
        if let Some(value) = self.shards[mine].lock().unwrap().get(key).cloned() {
            return Some(value);
        }
        self.shards
            .iter()
            .enumerate()
            .filter(|&(index, _)| index != mine)
            .find_map(|(_, shard)| shard.lock().unwrap().get(key).cloned())
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        self.shards[my_shard()]
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

/// Handles one command from a client: applies it to `db`, writes the reply
/// with [`write_reply`], and returns the reply it wrote.
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
