//! # Kata 23: fix a lock-held-across-await deadlock
//!
//! `Cache::get_or_load` returns a key's cached value, or loads it with the
//! cache's loader and remembers it. It compiles, it runs, and on a simple
//! test it even works. But it holds the lock on the map while the loader
//! runs (`.await`), so:
//!
//! - a loader that needs another key (`cache.get_or_load("b")` inside the
//!   load of `"a"`) waits for a lock its own caller holds: a deadlock;
//! - two loads of unrelated keys run one after the other instead of at the
//!   same time;
//! - even a key that is already cached cannot be read while any load runs.
//!
//! Fix `get_or_load` so that no lock is held while the loader runs, without
//! losing any loaded value when callers run concurrently, and so that its
//! future stays `Send` (it must work inside `tokio::spawn`). README.md
//! explains why and how. Keep `Cache::new` and `get_or_load` as they are:
//! the tests use them.

use std::collections::HashMap;

use futures::future::BoxFuture;
use tokio::sync::Mutex;

/// What the cache calls to load a missing key. It gets the key and the cache
/// itself, so loading one key may read other keys through the cache.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    values: Mutex<HashMap<String, u32>>,
}

impl Cache {
    /// A cache that loads missing keys with `loader`.
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            values: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key`: from the cache if it is there, otherwise loaded
    /// (once) with the loader and remembered.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        let mut values = self.values.lock().await;
        if let Some(&value) = values.get(key) {
            return value;
        }
        // BUG: `values` (the guard) is still held while the loader runs.
        let value = (self.loader)(key, self).await;
        values.insert(key.to_string(), value);
        value
    }
}
