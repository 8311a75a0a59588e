//! Wrong: register looks the previous address up under a read guard (dropped at the end of that statement, so it does not wait for itself), then inserts under a separate write guard. Alone it is right, but between the two guards another register of the same name can read the same previous address: when registers queue behind a lookup, the readers among them are let in together, and two of them report one previous address.
//! Caught by: concurrent_registers_of_one_name_each_replace_the_last

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
        // "Reading is cheap: only take the write lock for the write."
        let before = self.services.read().await.get(name).cloned();
        // The mistake: the lock is free between the two statements.
        let mut services = self.services.write().await;
        services.insert(name.to_string(), addr.to_string());
        before
    }
}
