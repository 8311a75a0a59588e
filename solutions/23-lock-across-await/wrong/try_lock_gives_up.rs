//! Wrong: it keeps the guard across the load but uses `try_lock` and returns a default 0 when the lock is busy, so a nested load (and any concurrent caller) gets a wrong value.
//! Caught by: a_loader_can_get_other_keys_through_the_cache
//!
//! It no longer deadlocks, but only because it stops waiting: the loader
//! for "sum" reads 0 for "a" and for "b", and the cache stores 0 as the sum.

use std::collections::HashMap;

use tokio::sync::Mutex;

use futures::future::BoxFuture;

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
    /// with the loader and remembered.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        // WRONG: a busy lock is not a missing value.
        let Ok(mut values) = self.values.try_lock() else {
            return 0;
        };
        if let Some(&value) = values.get(key) {
            return value;
        }
        let loaded = (self.loader)(key, self).await;
        values.insert(key.to_string(), loaded);
        loaded
    }
}
