//! Wrong: `register` tries `try_write` and, while lookups hold the lock, sleeps 10ms and tries again, instead of waiting on `write()`: it gets in late (up to a period after the last reader) and keeps waking the runtime meanwhile.
//! Caught by: a_writer_waits_for_the_readers_and_later_readers_wait_for_it
//!
//! A polling writer also loses tokio's fairness: it never queues, so new
//! readers keep getting in ahead of it.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::RwLock;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

#[derive(Default)]
pub struct Registry {
    services: RwLock<HashMap<String, String>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let services = self.services.read().await;
        let addr = services.get(name)?;
        health_check(addr).await;
        Some(addr.clone())
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        loop {
            // WRONG: "don't block": check, and come back later if busy.
            if let Ok(mut services) = self.services.try_write() {
                return services.insert(name.to_string(), addr.to_string());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
