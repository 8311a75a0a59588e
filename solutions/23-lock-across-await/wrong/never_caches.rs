//! Wrong: it releases the lock before loading, as it should, but never stores what it loaded, so every call of a key loads it again.
//! Caught by: a_cached_key_is_not_loaded_again

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
        if let Some(value) = self.values.lock().unwrap().get(key) {
            return *value;
        }
        // WRONG: the guard that used to insert is gone, and nothing took its
        // place: the value is returned but never stored.
        (self.loader)(key, self).await
    }
}
