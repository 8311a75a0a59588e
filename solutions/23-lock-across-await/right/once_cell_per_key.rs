//! Right: de-duplicates loads with a tokio::sync::OnceCell per key: the map (under a std Mutex) only hands out the cell, and callers of the same key wait on the cell, which is cancel safe.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::sync::OnceCell;

/// What the cache calls to load a missing key.
type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

/// A read-through cache of `u32` values.
pub struct Cache {
    loader: Loader,
    cells: Mutex<HashMap<String, Arc<OnceCell<u32>>>>,
}

impl Cache {
    /// A cache that loads missing keys with `loader`.
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            cells: Mutex::new(HashMap::new()),
        }
    }

    fn cell(&self, key: &str) -> Arc<OnceCell<u32>> {
        let mut cells = self.cells.lock().unwrap();
        cells.entry(key.to_string()).or_default().clone()
    }

    /// The value of `key`, from the cache or loaded (once, however many
    /// callers ask for it at the same time).
    pub async fn get_or_load(&self, key: &str) -> u32 {
        let cell = self.cell(key);
        // If the caller loading it is dropped, the next waiter loads it.
        *cell.get_or_init(|| (self.loader)(key, self)).await
    }
}
