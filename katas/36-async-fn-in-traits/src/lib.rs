//! Kata 36: async fn in traits, and Send.
//!
//! `Storage` is a trait with `async fn` methods, implemented by a storage
//! in memory (given) and by `Remote`, a storage across a network (yours).
//! `serve` answers requests for any `Storage`, each in a task of its own.
//!
//! Write `Remote`'s methods and `serve`. When `serve` spawns its first task,
//! the compiler will refuse: "future cannot be sent between threads safely".
//! That is the point of this kata: the trait, as written below, does not
//! promise that its futures are `Send`. Change the trait's signatures so
//! that it does (implementors must still be able to write `async fn`), and
//! keep `MemoryStorage` as it is. Read README.md first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// A key-value store, local or remote.
///
/// Implementors write `async fn get` and `async fn put`. Callers must be
/// able to call both from a spawned task, for any `Storage` that is
/// `Send + Sync + 'static`: fix these signatures so that they can.
//
// The compiler warns about exactly this kata's problem on every `async fn`
// of a public trait. The `allow` below keeps that warning quiet until you
// have read README.md: then delete it, and read what the compiler says.
#[allow(async_fn_in_trait)]
pub trait Storage {
    /// The value stored under `key`, if any.
    async fn get(&self, key: &str) -> Option<String>;

    /// Stores `value` under `key`, replacing what was there.
    async fn put(&self, key: &str, value: String);
}

/// A storage in memory. Given to you: do not change it.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    map: Mutex<HashMap<String, String>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Storage for MemoryStorage {
    async fn get(&self, key: &str) -> Option<String> {
        self.map.lock().unwrap().get(key).cloned()
    }

    async fn put(&self, key: &str, value: String) {
        self.map.lock().unwrap().insert(key.to_string(), value);
    }
}

/// A storage on the other side of a network: every call travels for
/// `latency`, then runs on `inner` (it takes effect when it arrives).
#[derive(Debug)]
pub struct Remote<S> {
    inner: S,
    latency: Duration,
}

impl<S> Remote<S> {
    pub fn new(inner: S, latency: Duration) -> Self {
        Remote { inner, latency }
    }

    /// The storage behind the network, without the latency.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: Storage> Storage for Remote<S> {
    /// Waits `latency` (on tokio's clock), then gets `key` from `inner`.
    async fn get(&self, key: &str) -> Option<String> {
        let _ = (&self.inner, self.latency, key);
        todo!("sleep for the latency, then ask the inner storage")
    }

    /// Waits `latency` (on tokio's clock), then puts `value` into `inner`.
    async fn put(&self, key: &str, value: String) {
        let _ = (&self.inner, self.latency, key, value);
        todo!("sleep for the latency, then put into the inner storage")
    }
}

/// A request to the storage server, with where its reply goes.
#[derive(Debug)]
pub enum Request {
    /// Reply with the value stored under `key`.
    Get {
        key: String,
        reply: oneshot::Sender<Option<String>>,
    },
    /// Store `value` under `key`, then reply.
    Put {
        key: String,
        value: String,
        reply: oneshot::Sender<()>,
    },
}

/// Serves every request from `requests` in a task of its own (a slow
/// request never holds up the next one), until the channel is closed and
/// empty; then waits for the requests still running and returns how many
/// requests it served.
///
/// - A requester that gave up (dropped its reply's receiver) is not an
///   error: its request is still carried out.
/// - When the caller drops `serve`'s future, the requests still running
///   stop with it.
pub async fn serve<S>(storage: Arc<S>, requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let _ = (storage, requests);
    todo!("spawn a task per request (a JoinSet keeps track of them), then wait for them all")
}
