// The same mistake on the caller's side: a task that keeps a std::sync
// MutexGuard alive while it awaits the cache cannot be spawned either.
use std::sync::{Arc, Mutex};

use kata_23_lock_across_await::Cache;

fn main() {
    let cache = Arc::new(Cache::new(|key, _cache| {
        Box::pin(async move { key.len() as u32 })
    }));
    let seen: Arc<Mutex<Vec<u32>>> = Arc::default();
    tokio::spawn(async move {
        let mut seen = seen.lock().unwrap();
        let value = cache.get_or_load("a").await;
        seen.push(value);
    });
}
