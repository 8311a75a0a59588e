//! Right: `handle` locks the map itself, inside a `{ ... }` block that ends before the `.await`, and the Db keeps its state in an inner struct behind one Arc, with a closure-taking helper.

use std::collections::BTreeMap;
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

#[derive(Default)]
struct Shared {
    entries: Mutex<BTreeMap<String, String>>,
}

/// The shared key-value store.
#[derive(Clone, Default)]
pub struct Db {
    shared: Arc<Shared>,
}

impl Db {
    pub fn new() -> Db {
        Db {
            shared: Arc::new(Shared::default()),
        }
    }

    fn with_entries<R>(&self, f: impl FnOnce(&mut BTreeMap<String, String>) -> R) -> R {
        let mut entries = self
            .shared
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        f(&mut entries)
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.with_entries(|entries| entries.get(key).cloned())
    }

    pub fn set(&self, key: &str, value: &str) {
        self.with_entries(|entries| {
            entries.insert(key.into(), value.into());
        });
    }
}

pub async fn handle(db: &Db, command: Command) -> Reply {
    let reply = {
        let mut entries = db.shared.entries.lock().unwrap_or_else(|e| e.into_inner());
        match command {
            Command::Get { key } => match entries.get(&key) {
                Some(value) => Reply::Value(value.clone()),
                None => Reply::Nil,
            },
            Command::Set { key, value } => {
                entries.insert(key, value);
                Reply::Ok
            }
        }
    }; // the guard is gone here, before the `.await`
    write_reply(&reply).await;
    reply
}
