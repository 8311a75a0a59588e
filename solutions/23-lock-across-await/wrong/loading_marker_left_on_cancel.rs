//! Wrong: it de-duplicates loads with a "loading" marker and a Notify, but a caller whose future is dropped mid-load (a timeout) never clears its marker, so every later caller of that key waits forever.
//! Caught by: a_caller_that_gives_up_leaves_the_cache_usable

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use tokio::sync::Notify;

type Loader = Box<dyn for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync>;

enum Slot {
    Loading(Arc<Notify>),
    Ready(u32),
}

pub struct Cache {
    loader: Loader,
    slots: Mutex<HashMap<String, Slot>>,
}

impl Cache {
    pub fn new<F>(loader: F) -> Cache
    where
        F: for<'a> Fn(&'a str, &'a Cache) -> BoxFuture<'a, u32> + Send + Sync + 'static,
    {
        Cache {
            loader: Box::new(loader),
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get_or_load(&self, key: &str) -> u32 {
        loop {
            let wait = {
                let mut slots = self.slots.lock().unwrap();
                match slots.get(key) {
                    Some(Slot::Ready(value)) => return *value,
                    // Someone else is loading it: wait for their notify.
                    Some(Slot::Loading(done)) => Some(done.clone().notified_owned()),
                    None => {
                        slots.insert(key.to_string(), Slot::Loading(Arc::new(Notify::new())));
                        None
                    }
                }
            };
            let Some(wait) = wait else { break };
            wait.await;
        }
        // WRONG: if this future is dropped during the load, the Loading
        // marker stays in the map and nobody ever notifies its waiters.
        let loaded = (self.loader)(key, self).await;
        let previous = self
            .slots
            .lock()
            .unwrap()
            .insert(key.to_string(), Slot::Ready(loaded));
        if let Some(Slot::Loading(done)) = previous {
            done.notify_waiters();
        }
        loaded
    }
}
