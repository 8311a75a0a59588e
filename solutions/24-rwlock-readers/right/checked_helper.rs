//! Right: a separate async helper does the check on a borrowed address, called with the read guard alive; `register` uses `RwLockWriteGuard` through a local binding and `Option::replace`-style insert.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{RwLock, RwLockReadGuard};

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

type Services = HashMap<String, String>;

/// Service names and their addresses.
#[derive(Default)]
pub struct Registry {
    services: RwLock<Services>,
}

/// Checks `addr`, which `_held` keeps from being replaced meanwhile.
async fn checked(_held: &RwLockReadGuard<'_, Services>, addr: &str) -> String {
    health_check(addr).await;
    addr.to_string()
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let services = self.services.read().await;
        if !services.contains_key(name) {
            return None;
        }
        let addr = &services[name];
        Some(checked(&services, addr).await)
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        let mut services = self.services.write().await;
        let previous = services.insert(String::from(name), String::from(addr));
        previous
    }
}
