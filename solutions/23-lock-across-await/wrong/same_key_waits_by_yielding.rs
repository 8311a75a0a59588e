//! Wrong: a caller whose key is being loaded by another caller loops on `yield_now()` until the value is in the map, instead of waiting to be woken: it never waits, so it keeps the thread busy (and on a paused clock, time cannot even move on).
//! Caught by: callers_of_the_same_key_wait_without_polling

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use futures::future::BoxFuture;

type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

pub struct Cache {
    loader: Loader,
    values: Mutex<HashMap<String, u32>>,
    loading: Mutex<HashSet<String>>,
}

impl Cache {
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            values: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashSet::new()),
        }
    }

    pub async fn get_or_load(&self, key: &str) -> u32 {
        loop {
            if let Some(&value) = self.values.lock().unwrap().get(key) {
                return value;
            }
            if self.loading.lock().unwrap().insert(key.to_string()) {
                break;
            }
            // WRONG: "let the loader run, then look again", forever.
            tokio::task::yield_now().await;
        }
        let loaded = (self.loader)(key, self).await;
        self.values.lock().unwrap().insert(key.to_string(), loaded);
        self.loading.lock().unwrap().remove(key);
        loaded
    }
}
