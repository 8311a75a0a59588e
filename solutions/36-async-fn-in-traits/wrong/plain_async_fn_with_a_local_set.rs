//! Wrong: leaves the trait's plain `async fn` (its futures are not known to be `Send`) and gets around `tokio::spawn` with a `LocalSet` and `spawn_local` inside `serve`. It runs, but generic code still cannot spawn calls to a `Storage`, and `serve`'s own future (it holds the `LocalSet`) cannot be spawned either.
//! Caught by: generic_code_can_spawn_calls_to_any_storage

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::LocalSet;

/// A key-value store, local or remote.
///
/// Implement it with `async fn get` and `async fn put`.
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
    async fn get(&self, key: &str) -> Option<String> {
        tokio::time::sleep(self.latency).await;
        self.inner.get(key).await
    }

    async fn put(&self, key: &str, value: String) {
        tokio::time::sleep(self.latency).await;
        self.inner.put(key, value).await;
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

/// Serves every request in a task of its own, with `spawn_local` on a
/// `LocalSet`, because the trait's futures are not `Send`.
pub async fn serve<S>(storage: Arc<S>, mut requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let local = LocalSet::new();
    local
        .run_until(async move {
            let mut handles = Vec::new();
            while let Some(request) = requests.recv().await {
                let storage = storage.clone();
                handles.push(tokio::task::spawn_local(async move {
                    match request {
                        Request::Get { key, reply } => {
                            let _ = reply.send(storage.get(&key).await);
                        }
                        Request::Put { key, value, reply } => {
                            storage.put(&key, value).await;
                            let _ = reply.send(());
                        }
                    }
                }));
            }
            let served = handles.len();
            for handle in handles {
                handle.await.expect("a request task panicked");
            }
            served
        })
        .await
}
