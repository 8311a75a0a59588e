//! Wrong: `register` uses `try_write` so as not to wait, and when lookups hold the lock it gives up (returns None without registering): the address is never replaced while anyone is reading.
//! Caught by: a_writer_waits_for_the_readers_and_later_readers_wait_for_it

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
        // WRONG: a busy lock is not a reason to drop the registration.
        let mut services = self.services.try_write().ok()?;
        services.insert(name.to_string(), addr.to_string())
    }
}
