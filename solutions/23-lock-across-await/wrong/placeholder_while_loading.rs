//! Wrong: to mark a key as being loaded, it inserts a placeholder 0 before the load and overwrites it after, so a caller of the same key during the load (or after a caller gave up) gets 0 from the "cache".
//! Caught by: callers_of_the_same_key_wait_without_polling, a_caller_that_gives_up_leaves_the_cache_usable

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
        {
            let mut values = self.values.lock().unwrap();
            if let Some(&value) = values.get(key) {
                return value;
            }
            // WRONG: "reserve" the key so nobody else loads it too.
            values.insert(key.to_string(), 0);
        }
        let loaded = (self.loader)(key, self).await;
        self.values.lock().unwrap().insert(key.to_string(), loaded);
        loaded
    }
}
