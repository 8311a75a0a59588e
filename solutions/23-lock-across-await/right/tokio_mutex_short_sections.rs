//! Right: keeps tokio's Mutex, but takes it only for the lookup and for the insert, each in a single statement, and loads in between with no guard alive.

use std::collections::HashMap;

use futures::future::BoxFuture;
use tokio::sync::Mutex;

/// What the cache calls to load a missing key.
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

    /// The value of `key`, from the cache or loaded.
    pub async fn get_or_load(&self, key: &str) -> u32 {
        let hit = self.values.lock().await.get(key).copied();
        if let Some(value) = hit {
            return value;
        }
        let value = (self.loader)(key, self).await;
        self.values.lock().await.insert(key.to_owned(), value);
        value
    }
}
