//! Wrong: it holds a tokio RwLock *read* guard across the load (so loads share the lock) and takes the write lock to insert, so a finished load waits until every other load is done, and readers queue behind that waiting writer.
//! Caught by: loads_of_different_keys_overlap, cached_keys_are_served_while_another_key_loads
//!
//! Readers do not block readers, so a single load, or loads that all end at
//! once, look fine. But `write()` waits for every read guard, including the
//! ones held by other loads still running, and tokio's RwLock is fair: once
//! that writer waits, every new `read()` waits behind it.

use std::collections::HashMap;

use futures::future::BoxFuture;
use tokio::sync::RwLock;

type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

pub struct Cache {
    loader: Loader,
    values: RwLock<HashMap<String, u32>>,
}

impl Cache {
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            values: RwLock::new(HashMap::new()),
        }
    }

    pub async fn get_or_load(&self, key: &str) -> u32 {
        let loaded = {
            let values = self.values.read().await;
            if let Some(&value) = values.get(key) {
                return value;
            }
            // WRONG: a shared guard is still a guard: it is held while the
            // loader runs, and the write below must wait for all of them.
            (self.loader)(key, self).await
        };
        let mut values = self.values.write().await;
        *values.entry(key.to_string()).or_insert(loaded)
    }
}
