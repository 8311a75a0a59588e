//! Wrong: de-duplicates in-flight loads with a "loading" entry holding a `Notify`; if the loading caller gives up (its future is dropped), a guard removes the entry, so later callers load afresh, but it never wakes the callers already waiting on that `Notify`, and they wait forever.
//! Caught by: a_caller_waiting_for_a_load_that_is_given_up_is_not_stranded

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::sync::Notify;

/// What the cache calls to load a missing key. It gets the key and the cache
/// itself, so loading one key may read other keys through the cache.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A key's state in the cache.
enum Slot {
    Ready(u32),
    /// Somebody is loading it; wait on this to be told when it is there.
    Loading(Arc<Notify>),
}

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    values: Mutex<HashMap<String, Slot>>,
}

/// Removes the `Loading` entry if the load never finished (its caller gave
/// up), so that the next caller loads the key itself.
struct LoadingGuard<'a> {
    cache: &'a Cache,
    key: &'a str,
    finished: bool,
}

impl Drop for LoadingGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut values = self.cache.values.lock().unwrap_or_else(|e| e.into_inner());
            values.remove(self.key);
        }
    }
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
        loop {
            let loading = {
                let mut values = self.values.lock().unwrap();
                match values.get(key) {
                    Some(Slot::Ready(value)) => return *value,
                    Some(Slot::Loading(notify)) => Some(Arc::clone(notify)),
                    None => {
                        values.insert(key.to_string(), Slot::Loading(Arc::new(Notify::new())));
                        None
                    }
                }
            };
            let Some(notify) = loading else {
                return self.load(key).await;
            };
            let notified = notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            // The load may have finished between the two locks.
            if let Some(Slot::Ready(value)) = self.values.lock().unwrap().get(key) {
                return *value;
            }
            notified.await;
        }
    }

    /// Loads `key` (whose `Loading` entry we put there), stores it, and
    /// wakes whoever waits for it.
    async fn load(&self, key: &str) -> u32 {
        let mut guard = LoadingGuard {
            cache: self,
            key,
            finished: false,
        };
        let loaded = (self.loader)(key, self).await;
        let waiting = {
            let mut values = self.values.lock().unwrap();
            match values.insert(key.to_string(), Slot::Ready(loaded)) {
                Some(Slot::Loading(notify)) => Some(notify),
                _ => None,
            }
        };
        guard.finished = true;
        if let Some(notify) = waiting {
            notify.notify_waiters();
        }
        loaded
    }
}
