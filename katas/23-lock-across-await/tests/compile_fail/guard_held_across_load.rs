// A cache in front of this kata's Cache that also remembers the last value
// it handed out. It keeps a std::sync::MutexGuard on that value while it
// waits for the load: as an async fn it compiles, but its future is not
// Send, so tokio::spawn refuses it. (The fix: take the value first, lock
// after the `.await`, in a statement of its own.)
use std::sync::{Arc, Mutex};

use kata_23_lock_across_await::Cache;

struct Remembering {
    cache: Cache,
    last: Mutex<u32>,
}

impl Remembering {
    async fn get(&self, key: &str) -> u32 {
        let mut last = self.last.lock().unwrap();
        *last = self.cache.get_or_load(key).await;
        *last
    }
}

fn main() {
    let remembering = Arc::new(Remembering {
        cache: Cache::new(|key, _cache| Box::pin(async move { key.len() as u32 })),
        last: Mutex::new(0),
    });
    tokio::spawn(async move { remembering.get("a").await });
}
