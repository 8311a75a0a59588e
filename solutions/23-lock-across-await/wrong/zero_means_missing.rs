//! Wrong: looks the key up with `unwrap_or_default()` and treats 0 as "not cached", so a key whose value is 0 calls the loader again on every read (the value returned is still right).
//! Caught by: a_cached_key_is_not_loaded_again

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
    /// (once) with the loader and remembered.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        let cached = self
            .values
            .lock()
            .unwrap()
            .get(key)
            .copied()
            .unwrap_or_default();
        if cached != 0 {
            return cached;
        }
        let loaded = (self.loader)(key, self).await;
        let mut values = self.values.lock().unwrap();
        *values.entry(key.to_string()).or_insert(loaded)
    }
}
