//! Right: a std Mutex with the lookup in a `{ ... }` block whose guard ends before the `.await`, an early return, and a plain `insert` after the load (the last loaded value wins).

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;

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
        {
            let values = self.values.lock().expect("poisoned");
            if let Some(value) = values.get(key) {
                return *value;
            }
        }

        let loader = &self.loader;
        let value = loader(key, self).await;

        {
            let mut values = self.values.lock().expect("poisoned");
            values.insert(key.to_string(), value);
        }
        value
    }
}
