//! Wrong: one tokio Mutex per key (an `Option<u32>` slot) so a key is loaded once, but the map's guard is only released after the key's slot is locked: a caller of a key that another caller is loading waits with the whole map locked, so cached reads and other keys stall, and the loader's own nested read deadlocks.
//! Caught by: callers_waiting_for_a_key_hold_up_no_one_else

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Mutex;

type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    values: Mutex<HashMap<String, Arc<Mutex<Option<u32>>>>>,
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
        let mut values = self.values.lock().await;
        let slot = values.entry(key.to_string()).or_default().clone();
        // Lock the key's slot before letting go of the map, so that nobody
        // can get in between.
        let mut slot = slot.lock_owned().await;
        drop(values);
        if let Some(value) = *slot {
            return value;
        }
        // Only this key's slot is held while loading: other keys are free.
        let loaded = (self.loader)(key, self).await;
        *slot = Some(loaded);
        loaded
    }
}
