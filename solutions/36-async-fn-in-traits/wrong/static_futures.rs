//! Wrong: the trait's futures must be `'static` (`impl Future<..> + Send + 'static`), so that they can be spawned on their own. Every implementor must then clone what it needs into an `async move` block: a storage written with `async fn`, whose future borrows `&self`, cannot implement the trait.
//! Caught by: generic_code_can_spawn_calls_to_any_storage

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

/// A key-value store, local or remote.
///
/// Implement it with `async fn get` and `async fn put`.
pub trait Storage {
    /// The value stored under `key`, if any.
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send + 'static;

    /// Stores `value` under `key`, replacing what was there.
    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send + 'static;
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
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send + 'static {
        let value = self.map.lock().unwrap().get(key).cloned();
        async move { value }
    }

    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send + 'static {
        self.map.lock().unwrap().insert(key.to_string(), value);
        async {}
    }
}

/// A storage on the other side of a network: every call travels for
/// `latency`, then runs on `inner` (it takes effect when it arrives).
#[derive(Debug)]
pub struct Remote<S> {
    inner: Arc<S>,
    latency: Duration,
}

impl<S> Remote<S> {
    pub fn new(inner: S, latency: Duration) -> Self {
        Remote {
            inner: Arc::new(inner),
            latency,
        }
    }

    /// The storage behind the network, without the latency.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: Storage + Send + Sync + 'static> Storage for Remote<S> {
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send + 'static {
        let (inner, latency, key) = (self.inner.clone(), self.latency, key.to_string());
        async move {
            tokio::time::sleep(latency).await;
            inner.get(&key).await
        }
    }

    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send + 'static {
        let (inner, latency, key) = (self.inner.clone(), self.latency, key.to_string());
        async move {
            tokio::time::sleep(latency).await;
            inner.put(&key, value).await;
        }
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

/// Serves every request from `requests` in a task of its own, until the
/// channel is closed and empty; then waits for the requests still running
/// and returns how many requests it served.
pub async fn serve<S>(storage: Arc<S>, mut requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let mut tasks = JoinSet::new();
    let mut served = 0;
    while let Some(request) = requests.recv().await {
        served += 1;
        let storage = storage.clone();
        tasks.spawn(async move {
            match request {
                Request::Get { key, reply } => {
                    let value = storage.get(&key).await;
                    // The requester may have given up: nobody to tell.
                    let _ = reply.send(value);
                }
                Request::Put { key, value, reply } => {
                    storage.put(&key, value).await;
                    let _ = reply.send(());
                }
            }
        });
    }
    while let Some(finished) = tasks.join_next().await {
        if let Err(error) = finished {
            if error.is_panic() {
                std::panic::resume_unwind(error.into_panic());
            }
        }
    }
    served
}
