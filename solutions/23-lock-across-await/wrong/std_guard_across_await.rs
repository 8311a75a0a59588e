//! Wrong: it swaps in a `std::sync::Mutex` but still holds its guard across the loader's `.await`, so the future is not `Send` (and a nested load would deadlock the thread).
//! Caught by: spawnable, a_std_mutex_guard_held_across_await_is_not_send
//!
//! `tokio::spawn` requires a `Send` future, and a `std::sync::MutexGuard`
//! is not `Send`: the test target `spawnable` fails to compile, with
//! rustc pointing at the guard and at the `.await` it is held across.
//! (`grading` fails to compile too: its nested loader needs a `Send` future.)

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
        let mut values = self.values.lock().unwrap();
        if let Some(&value) = values.get(key) {
            return value;
        }
        // WRONG: a std guard held across `.await` makes this future !Send.
        let loaded = (self.loader)(key, self).await;
        values.insert(key.to_string(), loaded);
        loaded
    }
}
