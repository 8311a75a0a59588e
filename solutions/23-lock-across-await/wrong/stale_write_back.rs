//! Wrong: it copies the map, drops the lock, loads, and writes the whole (now stale) copy back, erasing keys that other callers inserted meanwhile.
//! Caught by: every_loaded_value_is_kept
//!
//! Releasing the lock across the `.await` is right, but everything read
//! before the `.await` may be out of date after it. Writing back the old copy
//! is a lost update: only the last writer's keys survive.

use std::collections::HashMap;
use std::sync::Mutex;

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
        let mut snapshot = self.values.lock().unwrap().clone();
        if let Some(&value) = snapshot.get(key) {
            return value;
        }
        let loaded = (self.loader)(key, self).await;
        snapshot.insert(key.to_string(), loaded);
        // WRONG: overwrites whatever other callers inserted during the load.
        *self.values.lock().unwrap() = snapshot;
        loaded
    }
}
