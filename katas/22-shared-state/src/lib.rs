//! Kata 22: share state between tasks.
//!
//! A tiny key-value server in the style of mini-redis: every client
//! connection runs in its own task (`tokio::spawn`), and all of them read
//! and write one shared map, the `Db`. Build the `Db` and the request
//! handler:
//!
//! - `Db` is cheap to clone, and every clone sees the same data, from any
//!   task on any thread;
//! - `get` and `set` are plain synchronous methods;
//! - `handle` applies one command to the `Db` and writes the reply (which
//!   takes 10 ms), and many handlers run at the same time.
//!
//! Fill in the `todo!()`s (and the fields of `Db`). `Command`, `Reply` and
//! `write_reply` are given: do not change them. README.md explains the
//! pattern and what the tests check.

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
    // TODO: the shared map from keys (String) to values (String). Every
    // clone of the Db must share it, and tasks on other threads must be able
    // to use it.
}

impl Db {
    /// An empty store.
    pub fn new() -> Db {
        todo!("create the shared map")
    }

    /// The value stored under `key`, if any (a copy: the caller owns it).
    pub fn get(&self, key: &str) -> Option<String> {
        let _ = key;
        todo!("look `key` up in the shared map")
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub fn set(&self, key: &str, value: &str) {
        let _ = (key, value);
        todo!("insert into the shared map")
    }
}

/// Handles one command from a client: applies it to `db`, writes the reply
/// with [`write_reply`], and returns the reply it wrote.
///
/// - `Get { key }` replies `Value(v)` if `key` holds `v`, `Nil` if not.
/// - `Set { key, value }` stores the value and replies `Ok`.
pub async fn handle(db: &Db, command: Command) -> Reply {
    // Apply the command to the Db first, then write the reply. Many handlers
    // run at once: none of them may keep the others from using the Db while
    // it writes its reply.
    let _ = (db, command);
    todo!("apply the command, then write_reply(&reply).await")
}
