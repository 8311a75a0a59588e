// A cache like this kata's, written with a std::sync::Mutex whose guard is
// held while the (slow) load is awaited. It compiles as an async fn, but its
// future is not Send, so it cannot be spawned.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Cache {
    values: Mutex<HashMap<String, u32>>,
}

impl Cache {
    async fn get_or_load(&self, key: &str) -> u32 {
        let mut values = self.values.lock().unwrap();
        if let Some(&value) = values.get(key) {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await; // the "load"
        values.insert(key.to_string(), 7);
        7
    }
}

fn main() {
    let cache = Arc::new(Cache {
        values: Mutex::new(HashMap::new()),
    });
    tokio::spawn(async move { cache.get_or_load("a").await });
}
