//! Wrong: `lookup` copies the address out and releases the read lock before the health check, so a writer gets in mid-check and the lookups return an address that was already replaced.
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
        // WRONG: the guard is a temporary, gone before the check. The
        // address may be replaced while it is being checked.
        let addr = self.services.read().await.get(name).cloned()?;
        health_check(&addr).await;
        Some(addr)
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
