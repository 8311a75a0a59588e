//! Wrong: after the health check, `lookup` reads the address again with a second `read()` while its first read guard is still alive; when a writer is waiting, tokio's fair RwLock queues that second read behind the writer, which waits for the first guard: a deadlock.
//! Caught by: a_writer_waits_for_the_readers_and_later_readers_wait_for_it
//!
//! With no writer around, the second read is granted at once and every
//! other test passes: read locks are not re-entrant once a writer queues.

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

    async fn current(&self, name: &str) -> Option<String> {
        self.services.read().await.get(name).cloned()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let services = self.services.read().await;
        let addr = services.get(name)?;
        health_check(addr).await;
        // WRONG: `services` is still alive; this asks for a second read
        // guard "to return the current address".
        self.current(name).await
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
