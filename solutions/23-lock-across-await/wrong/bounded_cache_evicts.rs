//! Wrong: no lock across the load (look, load, insert with `or_insert`), but the cache is capped at 256 entries and evicts an arbitrary key when full, so after enough keys a loaded value is forgotten and loaded again.
//! Caught by: hundreds_of_keys_are_all_kept

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;

/// What the cache calls to load a missing key. It gets the key and the cache
/// itself, so loading one key may read other keys through the cache.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A cache must not grow without bound.
const CAPACITY: usize = 256;

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
        let cached = self.values.lock().unwrap().get(key).copied();
        if let Some(value) = cached {
            return value;
        }
        let loaded = (self.loader)(key, self).await;
        let mut values = self.values.lock().unwrap();
        if values.len() >= CAPACITY && !values.contains_key(key) {
            // Make room: drop whichever entry comes first.
            if let Some(victim) = values.keys().next().cloned() {
                values.remove(&victim);
            }
        }
        *values.entry(key.to_string()).or_insert(loaded)
    }
}
