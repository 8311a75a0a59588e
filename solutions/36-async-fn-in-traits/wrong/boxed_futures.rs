//! Wrong: the trait returns boxed futures, the way the `async-trait` crate writes them (`Pin<Box<dyn Future<Output = ..> + Send + 'a>>`). It spawns, but an implementor can no longer write `async fn` (an `async fn` does not return a `Pin<Box<..>>`), and every call allocates.
//! Caught by: generic_code_can_spawn_calls_to_any_storage

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

/// A key-value store, local or remote.
///
/// Implement it with `async fn get` and `async fn put`.
pub trait Storage {
    /// The value stored under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<String>>;

    /// Stores `value` under `key`, replacing what was there.
    fn put<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, ()>;
}

/// A boxed future that is `Send`, as the `async-trait` crate writes them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move { self.map.lock().unwrap().get(key).cloned() })
    }

    fn put<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.map.lock().unwrap().insert(key.to_string(), value);
        })
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
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.inner.get(key).await
        })
    }

    fn put<'a>(&'a self, key: &'a str, value: String) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tokio::time::sleep(self.latency).await;
            self.inner.put(key, value).await;
        })
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
