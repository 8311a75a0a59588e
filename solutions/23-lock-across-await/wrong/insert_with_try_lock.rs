//! Wrong: no lock is held while loading, but the insert uses `try_lock` and skips storing the value when another thread holds the lock ("it is only a cache"): under contention loaded values are lost and loaded again.
//! Caught by: a_value_loaded_while_another_thread_holds_the_lock_is_kept
//!
//! On one thread the lock is never busy at that moment (nothing awaits while
//! holding it), so every single-threaded test passes.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;

type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

pub struct Cache {
    loader: Loader,
    values: Mutex<HashMap<String, u32>>,
}

impl Cache {
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            values: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get_or_load(&self, key: &str) -> u32 {
        let cached = self.values.lock().unwrap().get(key).copied();
        match cached {
            Some(value) => value,
            None => {
                let loaded = (self.loader)(key, self).await;
                // WRONG: never block the executor... so never wait for the
                // lock; if it is busy, the value is simply not cached.
                if let Ok(mut values) = self.values.try_lock() {
                    values.insert(key.to_string(), loaded);
                }
                loaded
            }
        }
    }
}
