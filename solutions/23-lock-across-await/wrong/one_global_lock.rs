//! Wrong: one global "loading" lock is held around every load, so loads of unrelated keys run one after another (2 s instead of 1 s), and a nested load deadlocks.
//! Caught by: loads_of_different_keys_overlap
//!
//! The map's own lock is only held briefly, which looks right, but the
//! extra lock (meant to stop two callers loading the same key twice) is held
//! across the loader's `.await`: every load in the program queues behind it.

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
    /// Meant to stop duplicate loads; in fact serialises every load.
    loading: tokio::sync::Mutex<()>,
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
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The value of `key`: from the cache if it is there, otherwise loaded
    /// with the loader and remembered.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        let cached = self.values.lock().unwrap().get(key).copied();
        if let Some(value) = cached {
            return value;
        }
        // WRONG: held across the loader's `.await`, for every key.
        let _turn = self.loading.lock().await;
        let loaded = (self.loader)(key, self).await;
        let mut values = self.values.lock().unwrap();
        *values.entry(key.to_string()).or_insert(loaded)
    }
}
