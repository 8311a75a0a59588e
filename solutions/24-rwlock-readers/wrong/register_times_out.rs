//! Wrong: `register` waits for the write lock under a 5-second `timeout` and, when it fires, gives up and returns `None` without registering anything ("never hang a registration behind slow lookups"); in the tests a writer never waits that long, and the unfired timer wakes nothing.
//! Caught by: a_writer_behind_a_long_queue_still_gets_in

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

/// How long a registration may wait for the lookups in progress.
const WRITE_PATIENCE: Duration = Duration::from_secs(5);

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
        let services = self.services.read().await;
        let addr = services.get(name)?.clone();
        health_check(&addr).await;
        Some(addr)
    }

    /// Registers service `name` at `addr`, replacing (and returning) its
    /// previous address, if any. Waits until no lookup holds the lock.
    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        match tokio::time::timeout(WRITE_PATIENCE, self.services.write()).await {
            Ok(mut services) => services.insert(name.to_string(), addr.to_string()),
            // The registry is too busy: better to fail than to hang.
            Err(_busy) => None,
        }
    }
}
