//! Wrong: `lookup` health-checks whatever it found, even nothing (an empty address), so a lookup of a name that is not registered takes 1s before it returns None.
//! Caught by: a_lookup_of_an_unknown_service_is_none_at_once

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
        let found = services.get(name);
        // WRONG: no address, no check needed.
        health_check(found.map_or("", String::as_str)).await;
        found.cloned()
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
