//! Right: trait methods with their lifetimes spelled out (`fn get<'a>(&'a self, key: &'a str) -> impl Future<..> + Send + 'a`), and a `serve` that keeps plain `JoinHandle`s, in a guard that aborts them if `serve` is dropped first.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// A key-value store, local or remote.
///
/// Implement it with `async fn get` and `async fn put`.
pub trait Storage {
    /// The value stored under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> impl Future<Output = Option<String>> + Send + 'a;

    /// Stores `value` under `key`, replacing what was there.
    fn put<'a>(&'a self, key: &'a str, value: String) -> impl Future<Output = ()> + Send + 'a;
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

impl<S> Storage for Remote<S>
where
    S: Storage + Send + Sync,
{
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

/// The request tasks of one `serve`: aborted if `serve` is dropped before
/// it has awaited them.
struct Tasks(Vec<JoinHandle<()>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Serves every request from `requests` in a task of its own, until the
/// channel is closed and empty; then waits for them all.
pub async fn serve<S>(storage: Arc<S>, mut requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let mut tasks = Tasks(Vec::new());
    while let Some(request) = requests.recv().await {
        let storage = Arc::clone(&storage);
        tasks.0.push(tokio::spawn(async move {
            match request {
                Request::Get { key, reply } => {
                    let value = storage.get(&key).await;
                    reply.send(value).ok();
                }
                Request::Put { key, value, reply } => {
                    storage.put(&key, value).await;
                    reply.send(()).ok();
                }
            }
        }));
    }
    let served = tasks.0.len();
    for task in tasks.0.iter_mut() {
        if let Err(error) = task.await {
            if error.is_panic() {
                std::panic::resume_unwind(error.into_panic());
            }
        }
    }
    served
}
