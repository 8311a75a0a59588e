//! # Kata 23: fix a lock-held-across-await deadlock (reference solution)
//!
//! The rule: never hold a lock while you wait for something else. Take the
//! lock to look, let go, do the slow work with no lock held, then take the
//! lock again to write, and write in a way that is right whatever other
//! callers did in between.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::BoxFuture;

/// What the cache calls to load a missing key. It gets the key and the cache
/// itself, so loading one key may read other keys through the cache.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    // A *std* mutex, as mini-redis's `Db` uses: every critical section below
    // is a few map operations with no `.await` inside, so a blocking lock is
    // held for nanoseconds and is cheaper than tokio's. It also makes the
    // compiler our ally: a `std::sync::MutexGuard` is not `Send`, so a future
    // that kept one across an `.await` could not be spawned, and the mistake
    // this kata is about would not compile in `tokio::spawn`.
    // (`tokio::sync::Mutex` would work too, with the same short sections.)
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
        // 1. Look. The guard is a temporary of this `let` statement, so it
        //    is dropped at the `;`, before any `.await` below.
        let cached = self.values.lock().unwrap().get(key).copied();
        if let Some(value) = cached {
            return value;
        }

        // 2. Load with no lock held. The loader may call back into this
        //    cache for other keys (they take the lock briefly, as above, and
        //    find it free), and other callers can read and load other keys
        //    meanwhile: two slow loads overlap instead of queueing.
        let loaded = (self.loader)(key, self).await;

        // 3. Write under the lock again, touching only our own key. Other
        //    callers may have inserted other keys while we were loading: we
        //    insert into the live map, never write back a copy taken in
        //    step 1, so none of their updates is lost. If another caller
        //    loaded this same key meanwhile, the first value stored wins and
        //    both callers return it, so the cache never hands out two
        //    different values for one key.
        let mut values = self.values.lock().unwrap();
        *values.entry(key.to_string()).or_insert(loaded)
    }
}
