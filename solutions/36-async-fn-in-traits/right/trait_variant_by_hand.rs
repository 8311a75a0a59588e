//! Right: the trait_variant pattern written by hand (a `Storage: Send + Sync` trait whose methods return `impl Future + Send`, and a plain-`async fn` `LocalStorage` implemented for every `Storage`), `Remote` desugared to `fn .. -> impl Future + Send { async move { .. } }`, and a `serve` that reaps finished tasks in a `select!` loop as it goes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

/// A key-value store whose futures may be spawned: what
/// `#[trait_variant::make(Storage: Send)]` writes from `LocalStorage`.
pub trait Storage: Send + Sync {
    /// The value stored under `key`, if any.
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send;

    /// Stores `value` under `key`, replacing what was there.
    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send;
}

/// The same trait for code that never spawns, with plain `async fn`s.
/// Every `Storage` is one.
#[allow(async_fn_in_trait)]
pub trait LocalStorage {
    async fn get(&self, key: &str) -> Option<String>;
    async fn put(&self, key: &str, value: String);
}

impl<T: Storage> LocalStorage for T {
    async fn get(&self, key: &str) -> Option<String> {
        <T as Storage>::get(self, key).await
    }

    async fn put(&self, key: &str, value: String) {
        <T as Storage>::put(self, key, value).await
    }
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
    fn get(&self, key: &str) -> impl Future<Output = Option<String>> + Send {
        async move {
            tokio::time::sleep(self.latency).await;
            Storage::get(&self.inner, key).await
        }
    }

    fn put(&self, key: &str, value: String) -> impl Future<Output = ()> + Send {
        async move {
            tokio::time::sleep(self.latency).await;
            Storage::put(&self.inner, key, value).await
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

/// Serves every request from `requests` in a task of its own, reaping the
/// tasks that finish as it goes, until the channel is closed and empty;
/// then waits for the rest.
pub async fn serve<S>(storage: Arc<S>, mut requests: mpsc::Receiver<Request>) -> usize
where
    S: Storage + Send + Sync + 'static,
{
    let mut tasks = JoinSet::new();
    let mut served = 0;
    loop {
        tokio::select! {
            biased;
            Some(finished) = tasks.join_next(), if !tasks.is_empty() => rethrow(finished),
            request = requests.recv() => {
                let Some(request) = request else { break };
                served += 1;
                let storage = storage.clone();
                tasks.spawn(async move {
                    match request {
                        Request::Get { key, reply } => {
                            let _ = reply.send(Storage::get(&*storage, &key).await);
                        }
                        Request::Put { key, value, reply } => {
                            Storage::put(&*storage, &key, value).await;
                            let _ = reply.send(());
                        }
                    }
                });
            }
        }
    }
    while let Some(finished) = tasks.join_next().await {
        rethrow(finished);
    }
    served
}

/// A request task that panicked makes `serve` panic too.
fn rethrow(finished: Result<(), tokio::task::JoinError>) {
    if let Err(error) = finished {
        if error.is_panic() {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}
