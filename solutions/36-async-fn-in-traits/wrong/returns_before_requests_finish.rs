//! Wrong: `serve` spawns a task per request and drops its `JoinHandle`, then returns as soon as the channel is closed: the requests still running are left behind in tasks nobody waits for (or can stop).
//! Caught by: serve_returns_once_every_request_is_done, dropping_serve_stops_every_request

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// A key-value store, local or remote.
///
/// Implement it with `async fn get` and `async fn put`.
pub trait Storage {
    /// The value stored under `key`, if any.
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send;

    /// Stores `value` under `key`, replacing what was there.
    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send;
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

impl<S: Storage + Sync> Storage for Remote<S> {
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

/// Serves every request from `requests`.
pub async fn serve<S>(storage: Arc<S>, mut requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let mut served = 0;
    while let Some(request) = requests.recv().await {
        served += 1;
        let storage = storage.clone();
        tokio::spawn(async move {
            match request {
                Request::Get { key, reply } => {
                    let _ = reply.send(storage.get(&key).await);
                }
                Request::Put { key, value, reply } => {
                    storage.put(&key, value).await;
                    let _ = reply.send(());
                }
            }
        });
    }
    served
}
