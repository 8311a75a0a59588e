//! Right: a std::sync::RwLock (lookups share it) behind two small synchronous helper methods, so no guard can ever reach an `.await`.

use std::collections::HashMap;
use std::sync::RwLock;

use futures::future::BoxFuture;

/// What the cache calls to load a missing key.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    values: RwLock<HashMap<String, u32>>,
}

impl Cache {
    /// A cache that loads missing keys with `loader`.
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            values: RwLock::new(HashMap::new()),
        }
    }

    fn cached(&self, key: &str) -> Option<u32> {
        let values = self.values.read().unwrap();
        values.get(key).copied()
    }

    /// Stores `value` unless another caller stored one first; returns the
    /// value the cache now holds.
    fn store(&self, key: &str, value: u32) -> u32 {
        let mut values = self.values.write().unwrap();
        *values.entry(key.to_owned()).or_insert(value)
    }

    /// The value of `key`, from the cache or loaded.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        match self.cached(key) {
            Some(value) => value,
            None => {
                let loaded = (self.loader)(key, self).await;
                self.store(key, loaded)
            }
        }
    }
}
