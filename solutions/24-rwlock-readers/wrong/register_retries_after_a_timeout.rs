//! Wrong: `register` waits for the write lock under a 10-second `timeout` in a loop and asks again when it fires ("the readers are taking long"): nothing is lost, but each retry leaves its place in the fair queue, so the lookups that arrived after it get in first and the registration lands a check late.
//! Caught by: a_writer_behind_a_long_queue_still_gets_in

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::RwLock;

pub const CHECK_TIME: Duration = Duration::from_secs(1);

pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

/// How long a register waits for the write lock before it asks again.
const WRITE_PATIENCE: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct Registry {
    map: RwLock<HashMap<String, String>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let map = self.map.read().await;
        let addr = map.get(name)?.clone();
        health_check(&addr).await;
        Some(addr)
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        loop {
            match tokio::time::timeout(WRITE_PATIENCE, self.map.write()).await {
                Ok(mut map) => return map.insert(name.to_string(), addr.to_string()),
                Err(_) => {
                    // The readers are taking long; ask again.
                    continue;
                }
            }
        }
    }
}
