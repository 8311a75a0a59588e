//! Wrong: `lookup` moves an owned read guard into a spawned task that runs the health check, and awaits its JoinHandle; when the caller gives up, the task keeps running and keeps the lock for the rest of the check.
//! Caught by: a_lookup_that_is_dropped_lets_the_writer_in

use std::collections::HashMap;
use std::sync::Arc;
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
    services: Arc<RwLock<HashMap<String, String>>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub async fn lookup(&self, name: &str) -> Option<String> {
        let services = self.services.clone().read_owned().await;
        let addr = services.get(name)?.clone();
        // WRONG: the check runs in its own task, which owns the guard.
        // Dropping this lookup only detaches the task.
        tokio::spawn(async move {
            health_check(&addr).await;
            drop(services);
            addr
        })
        .await
        .ok()
    }

    pub async fn register(&self, name: &str, addr: &str) -> Option<String> {
        self.services
            .write()
            .await
            .insert(name.to_string(), addr.to_string())
    }
}
