//! Wrong: `handle` hands a SET to a spawned task ("do not make the client wait for the store") and goes on to write the reply, so for a moment the SET was handled but is not in the Db: the next client, handled right after it, reads the old value.
//! Caught by: the_next_client_sees_the_command_at_once

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

/// The shared key-value store. Cloning a `Db` gives another handle to the
/// same data.
#[derive(Clone, Default)]
pub struct Db {
    // `Arc`: cloning the Db clones the pointer, not the map, so every
    // connection task shares one map (and the map lives as long as any
    // handle does: `'static`, as `tokio::spawn` requires).
    //
    // `std::sync::Mutex`, not `tokio::sync::Mutex`: the lock is only ever
    // held inside `get` and `set`, which do not await anything. For critical
    // sections that short, a blocking mutex is cheaper, and it is what the
    // tokio docs recommend. `Mutex<T>` is `Sync` when `T: Send`, so
    // `Arc<Mutex<..>>` is `Send + Sync`, and so is `Db`.
    shared: Arc<Mutex<HashMap<String, String>>>,
}

impl Db {
    /// An empty store.
    pub fn new() -> Db {
        Db::default()
    }

    /// The value stored under `key`, if any (a copy: the caller owns it).
    pub fn get(&self, key: &str) -> Option<String> {
        // The guard is a temporary: it is dropped at the end of this
        // statement. Returning an owned clone (not a reference into the map)
        // is what lets the caller keep the value across an `.await` without
        // keeping the lock.
        self.shared.lock().unwrap().get(key).cloned()
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        // `unwrap`: the lock is only poisoned if a thread panicked while
        // holding it, and nothing here can panic mid-update.
        self.shared
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
    }
}

/// Handles one command from a client: applies it to `db`, writes the reply
/// with [`write_reply`], and returns the reply it wrote.
pub async fn handle(db: &Db, command: Command) -> Reply {
    // 1. Apply the command. `get` and `set` lock and unlock inside, so when
    //    this `match` is done, no guard is alive in this function.
    let reply = match command {
        Command::Get { key } => match db.get(&key) {
            Some(value) => Reply::Value(value),
            None => Reply::Nil,
        },
        Command::Set { key, value } => {
            // Do not make the client wait for the store: apply it in the background.
            let db = db.clone();
            tokio::spawn(async move { db.set(&key, &value) });
            Reply::Ok
        }
    };

    // 2. Write the reply. This is the slow part (10 ms), and no lock is held
    //    during it: a hundred handlers write their replies at the same time,
    //    and all finish at 10 ms. Had we kept a `std::sync::MutexGuard` alive
    //    across this `.await`, this future would not be `Send` and
    //    `tokio::spawn` would reject it; with a `tokio::sync::Mutex` guard it
    //    would compile, and the handlers would queue up: 100 × 10 ms.
    write_reply(&reply).await;
    reply
}
