//! Wrong: `register` health-checks the new address while holding the write lock, so every registration takes 1s, and every lookup waits for it meanwhile.
//! Caught by: register_adds_and_replaces_a_service

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
        let mut services = self.services.write().await;
        // WRONG: 1s of I/O while holding the write lock.
        health_check(addr).await;
        services.insert(name.to_string(), addr.to_string())
    }
}
