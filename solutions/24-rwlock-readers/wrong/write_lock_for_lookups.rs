//! Wrong: uses a RwLock but takes the write lock in `lookup` too, so lookups exclude each other during their health checks: five lookups take 5s instead of 1s.
//! Caught by: concurrent_lookups_each_take_one_check

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
        // WRONG: `write()` for a read: one lookup at a time.
        let services = self.services.write().await;
        let addr = services.get(name)?;
        health_check(addr).await;
        Some(addr.clone())
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
