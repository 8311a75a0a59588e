//! Wrong: `lookup` reads the address under one read guard, drops it, and takes a second read guard for the health check, so a writer that gets in between the two (another thread, or a writer queued ahead of the second `read()`) replaces the address and the lookup checks and vouches for a stale one.
//! Caught by: concurrent_registers_of_one_name_each_replace_the_last

use std::time::Duration;

/// How long a health check takes.
pub const CHECK_TIME: Duration = Duration::from_secs(1);

/// Checks that the service at `addr` answers. Given: 1 s of network I/O.
pub async fn health_check(addr: &str) {
    let _ = addr;
    tokio::time::sleep(CHECK_TIME).await;
}

use std::collections::HashMap;

use tokio::sync::RwLock;

/// Service names and their addresses, shared by many tasks.
#[derive(Default)]
pub struct Registry {
    services: RwLock<HashMap<String, String>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The address of service `name`, after checking that it answers.
    pub async fn lookup(&self, name: &str) -> Option<String> {
        // Unknown names return at once, without a guard to hold.
        let addr = self.services.read().await.get(name).cloned()?;
        // Keep the registry read-locked while the address is checked.
        let _services = self.services.read().await;
        health_check(&addr).await;
        Some(addr)
    }

    /// Registers service `name` at `addr`, replacing (and returning) its
    /// previous address, if any. Waits until no lookup holds the lock.
    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
